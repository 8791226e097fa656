// The tRPC transformer of the server: superjson's wire format, written faster for what procedures
// return. superjson's general walker (a path array copied per node, a result object per value, maps
// of every object it meets) cost 0.5–0.7 ms of CPU for one inbox page, a sixth of the app's CPU per
// call (docs/performance.md). Clients keep reading with superjson: the output is the same, byte for
// byte, which wire-transformer.test.ts checks against superjson itself.
import type { DataTransformer } from "@trpc/server";
import superjson from "superjson";

type SuperJSONResult = ReturnType<typeof superjson.serialize>;

/** A value's own type annotation, and the annotations of a container's values by path. */
type Annotation = [string];
type Annotations = Record<string, Annotation>;

/** Marks a value this writer leaves to superjson. */
const UNSUPPORTED = Symbol("unsupported");

/** superjson's path segment escaping (pathstringifier.ts). */
const escapeKey = (key: string) => (key.includes("\\") || key.includes(".") ? key.replace(/\\/g, "\\\\").replace(/\./g, "\\.") : key);

/** A child's annotations under its key, in the container's annotations (superjson's walker). */
function collect(inner: Annotations | undefined, key: string, child: Annotation | Annotations): Annotations {
  inner ??= {};
  const at = escapeKey(key);
  if (Array.isArray(child)) inner[at] = child;
  else for (const path in child) inner[`${at}.${path}`] = child[path]!;
  return inner;
}

/**
 * superjson's output for a tree of plain objects, arrays, strings, finite numbers, booleans, null,
 * undefined and valid Dates in which no object occurs twice; null for anything else (Map, Set,
 * BigInt, NaN, -0, class instances, shared references: superjson annotates them in ways this
 * writer does not repeat).
 *
 * Its `json` is the tree itself wherever the tree already stringifies as superjson's would: Dates
 * stay Dates, which `JSON.stringify` writes with `toISOString()` as superjson does, and an undefined
 * array item is written as null by both. Only an object holding an undefined property (superjson
 * writes null, `JSON.stringify` would drop the key) is copied, with its ancestors. The copy of every
 * node cost as much as the walk itself; the tree is never changed.
 */
export function writePlainTree(root: unknown): SuperJSONResult | null {
  // A Date or undefined at the root is annotated as the root itself (meta.values is an array).
  if (root === undefined || root instanceof Date) return null;
  const seen = new Set<object>();
  // The annotations of the value written last: its own type, or its children's by path. Built level
  // by level as superjson builds them, so that the keys come in its order (an object puts
  // integer-like keys first: at each level the annotated leaves "0", "2" precede "1.text").
  let annotations: Annotation | Annotations | undefined;

  /** The value as it is to be stringified: itself, or a copy when something under it must change. */
  const write = (value: unknown): unknown => {
    annotations = undefined;
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return Number.isFinite(value) && !Object.is(value, -0) ? value : UNSUPPORTED;
      case "undefined":
        annotations = ["undefined"];
        return null;
      case "object":
        break;
      default:
        return UNSUPPORTED;
    }
    if (value === null) return null;
    if (seen.has(value)) return UNSUPPORTED;
    seen.add(value);
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Date.prototype) {
      if (Number.isNaN((value as Date).getTime())) return UNSUPPORTED;
      annotations = ["Date"];
      return value;
    }
    let inner: Annotations | undefined;
    if (Array.isArray(value)) {
      if (prototype !== Array.prototype) return UNSUPPORTED;
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return UNSUPPORTED; // superjson skips holes
        const element: unknown = value[i];
        const item = write(element);
        if (item === UNSUPPORTED) return UNSUPPORTED;
        if (annotations) inner = collect(inner, String(i), annotations);
        // An undefined item is stringified as null either way.
        if (copy) copy[i] = item;
        else if (item !== element && element !== undefined) (copy = value.slice())[i] = item;
      }
      annotations = inner;
      return copy ?? value;
    }
    if (prototype !== Object.prototype && prototype !== null) return UNSUPPORTED;
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      // superjson refuses these (prototype pollution): its own error is the answer.
      if (key === "__proto__" || key === "constructor" || key === "prototype") return UNSUPPORTED;
      const element = record[key];
      const item = write(element);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      if (annotations) inner = collect(inner, key, annotations);
      // The copy keeps the key order; the keys after this one are overwritten as they are written.
      if (copy) copy[key] = item;
      else if (item !== element) (copy = { ...record })[key] = item;
    }
    annotations = inner;
    return copy ?? value;
  };

  const json = write(root);
  if (json === UNSUPPORTED) return null;
  const result: SuperJSONResult = { json: json as SuperJSONResult["json"] };
  if (annotations) result.meta = { values: annotations as NonNullable<SuperJSONResult["meta"]>["values"], v: 1 };
  return result;
}

/** superjson.serialize, faster for plain trees: same output for every value. */
export function serializeForWire(value: unknown): SuperJSONResult {
  return writePlainTree(value) ?? superjson.serialize(value);
}

export const wireTransformer: DataTransformer = {
  serialize: serializeForWire,
  deserialize: (payload: SuperJSONResult) => superjson.deserialize(payload),
};
