// The server's tRPC transformer writes superjson's format itself for plain trees: every client reads
// our answers with superjson, so its output must be superjson's, byte for byte, for every value, and
// whatever it does not handle must come out of superjson unchanged.
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "@inbox/connectors/sandbox";
import { serializeForWire, writePlainTree } from "../src/wire-transformer";

const KEYS = ["id", "text", "a.b", "back\\slash", "items", "0", "12", "", "ключ", "x.y\\z", "lastActivityAt"];
const STRINGS = ["", "доставка", "a.b", "\\", "emoji 🙂", "line\nbreak", '"quoted"'];

/** Plain trees as procedures return them: objects, arrays, strings, numbers, booleans, null, undefined, Dates. */
function plainTree(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const roll = next();
  if (depth > 0 && roll < 0.3) {
    const value: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 5); i > 0; i--) value[pick(KEYS)] = plainTree(next, depth - 1);
    return value;
  }
  if (depth > 0 && roll < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => plainTree(next, depth - 1));
  return pick<() => unknown>([
    () => pick(STRINGS),
    () => Math.floor(next() * 2000) - 1000,
    () => next() * 1e6,
    () => 0,
    () => next() < 0.5,
    () => null,
    () => undefined,
    () => new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 1e10)),
  ])();
}

const sameAsSuperjson = (value: unknown) =>
  expect(JSON.stringify(serializeForWire(value))).toBe(JSON.stringify(superjson.serialize(value)));

/** Written by the transformer itself (not handed to superjson), as superjson writes it. */
function writtenItselfAsSuperjson(value: unknown) {
  const written = writePlainTree(value);
  expect(written).not.toBeNull();
  expect(JSON.stringify(written)).toBe(JSON.stringify(superjson.serialize(value)));
}

describe("the wire transformer", () => {
  it("writes what superjson writes for 5 000 generated plain trees, and superjson reads them back", () => {
    // Seeded: the same trees on every run.
    const random = new SeededRandom(20261203);
    const next = () => random.next();
    for (let i = 0; i < 5_000; i++) {
      const value = { root: plainTree(next, 4), list: [plainTree(next, 3), plainTree(next, 2)] };
      writtenItselfAsSuperjson(value);
      expect(superjson.deserialize(serializeForWire(value))).toEqual(value);
    }
  });

  it("writes an inbox page (dates, highlights, missing values) as superjson does", () => {
    const at = new Date("2026-12-03T10:15:30.123Z");
    const item = (n: number) => ({
      id: `item-${n}`,
      sellerName: "Вектор",
      rating: n % 6 === 0 ? null : n % 6,
      upstreamCreatedAt: new Date(at.getTime() - n * 60_000),
      lastActivityAt: new Date(at.getTime() - n * 30_000),
      lastMessageAt: n % 3 === 0 ? new Date(at.getTime() - n * 1000) : null,
      assigneeName: undefined,
      highlight: {
        snippet: [
          { text: "Быстрая ", match: false },
          { text: "доставка", match: true },
        ],
        authorName: null,
        productName: null,
      },
    });
    writtenItselfAsSuperjson({
      items: Array.from({ length: 30 }, (_, n) => item(n)),
      nextCursor: "eyJ0IjoxfQ",
      counts: { total: 1000, exact: false },
    });
    writtenItselfAsSuperjson(["a", 1, true, null]);
    writtenItselfAsSuperjson("plain");
    writtenItselfAsSuperjson([at, undefined]);
    writtenItselfAsSuperjson(Object.assign(Object.create(null) as object, { nullPrototype: true, at }));
  });

  it("hands the tree itself to JSON.stringify, copying only objects with an undefined property and never changing the input", () => {
    const at = new Date("2026-12-05T10:00:00.000Z");
    const page = {
      items: [
        { id: "a", at, rating: null },
        { id: "b", at: new Date(at.getTime() + 1), list: [1, undefined] },
      ],
    };
    expect(writePlainTree(page)!.json).toBe(page);

    // A Date met twice is a shared reference, which superjson annotates: each item has its own.
    const later = new Date(at.getTime() + 2);
    const item = { id: "c", assignee: undefined, at: later };
    const withUndefined = { items: [page.items[0], item] };
    const written = writePlainTree(withUndefined)!.json as { items: unknown[] };
    expect(written).not.toBe(withUndefined);
    expect(written.items[0]).toBe(page.items[0]);
    expect(written.items[1]).toEqual({ id: "c", assignee: null, at: later });
    expect(item).toEqual({ id: "c", assignee: undefined, at: later });
    expect(Object.keys(item)).toEqual(["id", "assignee", "at"]);
    writtenItselfAsSuperjson(withUndefined);
  });

  it("leaves what it does not write itself to superjson, with superjson's own result", () => {
    const shared = { id: "shared" };
    const date = new Date("2026-12-03T00:00:00Z");
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    class Item {
      id = "class instance";
    }
    const values: unknown[] = [
      undefined,
      date,
      { twice: [shared, shared] },
      { sameDate: date, again: date },
      { map: new Map([["a", 1]]) },
      { set: new Set([1, 2]) },
      { big: 10n },
      { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, minusZero: -0 },
      { invalid: new Date("not a date") },
      { sparse },
      { instance: new Item() },
      { error: new Error("boom") },
      { pattern: /a.b/g },
      { url: new URL("https://example.ru/a") },
      { symbol: Symbol("s") },
      { fn: () => 1 },
    ];
    for (const value of values) {
      expect(writePlainTree(value)).toBeNull();
      sameAsSuperjson(value);
    }
  });

  it("refuses a prototype-polluting key with superjson's error", () => {
    const polluted = JSON.parse('{"__proto__": {"admin": true}}') as unknown;
    expect(() => serializeForWire(polluted)).toThrow(/prototype pollution/);
  });
});
