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
 */
export function writePlainTree(root: unknown): SuperJSONResult | null {
  // A Date or undefined at the root is annotated as the root itself (meta.values is an array).
  if (root === undefined || root instanceof Date) return null;
  const seen = new Set<object>();
  // The annotations of the value written last: its own type, or its children's by path. Built level
  // by level as superjson builds them, so that the keys come in its order (an object puts
  // integer-like keys first: at each level the annotated leaves "0", "2" precede "1.text").
  let annotations: Annotation | Annotations | undefined;

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
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return UNSUPPORTED;
      annotations = ["Date"];
      return value.toISOString();
    }
    let inner: Annotations | undefined;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return UNSUPPORTED;
      const written: unknown[] = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return UNSUPPORTED; // superjson skips holes
        const item = write(value[i]);
        if (item === UNSUPPORTED) return UNSUPPORTED;
        if (annotations) inner = collect(inner, String(i), annotations);
        written[i] = item;
      }
      annotations = inner;
      return written;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return UNSUPPORTED;
    const written: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // superjson refuses these (prototype pollution): its own error is the answer.
      if (key === "__proto__" || key === "constructor" || key === "prototype") return UNSUPPORTED;
      const item = write((value as Record<string, unknown>)[key]);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      if (annotations) inner = collect(inner, key, annotations);
      written[key] = item;
    }
    annotations = inner;
    return written;
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
