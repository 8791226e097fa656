// Hostile input, property-based: every procedure (over /api/trpc) and every REST route (/api/v1)
// gets malformed and hostile inputs with cookie and token auth. Each answer is a success for a
// harmless query or a clear 4xx with a readable message, never a 5xx, and nothing is written.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveHub, type LiveHub } from "../src/live/live-hub";
import { appRouter } from "../src/root";
import type { ProcedureMeta } from "../src/trpc";
import { BASE, buildApiWorld, callRest, callTrpc, rawRest, rawTrpc, sellerSnapshot, type ApiWorld, type Auth } from "./support/api-world";
import { PROCEDURE_CASES } from "./support/procedure-cases";

const database = useTestDatabase();
let world: ApiWorld;
let live: LiveHub;
const serverErrors: string[] = [];
let answers = 0;

type RouterProcedure = { _def: { type: "query" | "mutation" | "subscription"; meta?: ProcedureMeta } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, RouterProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  rest: procedure._def.meta?.openapi,
}));

beforeAll(async () => {
  world = await buildApiWorld(database().prisma);
  live = createLiveHub(database().url);
});

afterAll(async () => {
  await live.close();
  console.info(`hostile input: ${answers} answers, ${serverErrors.length} server errors`);
});

const deepObject = (depth: number): unknown => (depth === 0 ? "bottom" : { nested: deepObject(depth - 1) });

/** Values that are wrong, oversized or crafted for some field somewhere. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    "",
    " ",
    "\u0000",
    "\u202e\u200b",
    '\'; DROP TABLE "Item"; --',
    "' OR '1'='1",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "%00%ff",
    "x".repeat(100_000),
    "𝕏".repeat(20_000),
    "NaN",
    "-1",
    "1e309",
    "2026-13-45T99:99:99Z",
    "__proto__",
    "constructor",
    null,
    true,
    -1,
    0,
    -0,
    1.5,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    [],
    Array.from({ length: 20_000 }, () => "read"),
    { __proto__: { polluted: true } },
    JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    { constructor: { prototype: { polluted: true } } },
    deepObject(200),
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Ids that exist nowhere, so a mutation whose input turns out valid still finds nothing to change. */
function harmlessBase(path: string): Record<string, unknown> | undefined {
  const input = PROCEDURE_CASES[path]!.input(world);
  if (!input) return undefined;
  const base: Record<string, unknown> = { ...input };
  for (const key of ["itemId", "accountId", "replyId", "tokenId"]) if (key in base) base[key] = "missing-id";
  if (path === "account.create") base.credentials = {}; // incomplete: refused before any network call
  if (path === "apiToken.create") base.scopes = []; // invalid: nothing is created whatever else changes
  // Changes that name no item: aimed at a seller that does not exist, so nothing is written.
  if (path === "template.create" || path === "automation.create" || path === "analytics.setAnswerTarget" || path === "team.invite")
    base.sellerId = "missing-id";
  if (path === "inbox.setReadBulk" || path === "item.assignBulk")
    base.selection = { itemRefs: [{ sellerId: "missing-id", itemId: "missing-id" }] };
  return base;
}

/** The base input with one field replaced, a field added, or the whole input replaced. */
function hostileInput(path: string): fc.Arbitrary<unknown> {
  const base = harmlessBase(path) ?? {};
  const keys = Object.keys(base);
  return fc.oneof(
    keys.length > 0 ? fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...base, [key]: value })) : hostileValue,
    fc.tuple(fc.string({ maxLength: 20 }), hostileValue).map(([key, value]) => ({ ...base, [key]: value })),
    hostileValue,
  );
}

const auths = (): Array<[string, Auth]> => [
  ["cookie", { userId: world.owner.id }],
  ["token", { token: world.tokens.all }],
];

function judge(where: string, status: number, message: string | undefined, kind: "query" | "mutation") {
  answers++;
  if (status >= 500) serverErrors.push(`${where}: ${status} ${message}`);
  expect(status, `${where}: ${message}`).toBeLessThan(500);
  if (status >= 400) expect(message?.length ?? 0, `${where} answered ${status} without a readable message`).toBeGreaterThan(5);
  else expect(kind, `${where} accepted hostile input for a mutation`).toBe("query");
}

describe("tRPC procedures under hostile input", () => {
  for (const { path, type } of procedures) {
    it(`${path}: never 5xx, clear 4xx, nothing written`, async () => {
      const { prisma } = database();
      if (!PROCEDURE_CASES[path]) throw new Error(`Procedure "${path}" has no line in test/support/procedure-cases.ts.`);
      const before = await sellerSnapshot(prisma, world.target.sellerId);
      for (const [how, auth] of auths()) {
        await fc.assert(
          fc.asyncProperty(hostileInput(path), async (input) => {
            const answer = await callTrpc(path, type, input, auth, { prisma, live });
            // A mutation that takes no input (session.signOutEverywhere) ignores whatever is sent, and
            // profile.update changes only the caller's own name or language: any call is a valid one.
            // A subscription only reads, like a query.
            const kind =
              type === "subscription" || (type === "mutation" && (harmlessBase(path) === undefined || path === "profile.update"))
                ? "query"
                : type;
            judge(`${path} (${how}) with ${JSON.stringify(input)?.slice(0, 200)}`, answer.status, answer.error?.message, kind);
          }),
          { numRuns: 12, seed: 11 },
        );
      }
      expect(await sellerSnapshot(prisma, world.target.sellerId), `${path} wrote something`).toBe(before);
    });
  }

  it("malformed requests: broken JSON, wrong method, unknown procedure, bad superjson meta", async () => {
    const { prisma } = database();
    const before = await sellerSnapshot(prisma, world.target.sellerId);
    const token = `Bearer ${world.tokens.all}`;
    const post = (path: string, body: string, contentType = "application/json") =>
      new Request(`${BASE}/api/trpc/${path}`, { method: "POST", headers: { authorization: token, "content-type": contentType }, body });
    const requests: Array<[string, Request]> = [
      ["truncated JSON", post("inbox.markRead", '{"json": {"sellerId": ')],
      ["not JSON at all", post("inbox.markRead", "sellerId=1&itemId=2", "application/x-www-form-urlencoded")],
      [
        "superjson meta naming a missing value",
        post(
          "inbox.markRead",
          JSON.stringify({ json: { sellerId: world.target.sellerId }, meta: { values: { "itemId.deep": ["Date"] } } }),
        ),
      ],
      [
        "superjson meta with a bogus type",
        post(
          "inbox.list",
          JSON.stringify({ json: { sellerId: world.target.sellerId }, meta: { values: { sellerId: ["class", "Evil"] } } }),
        ),
      ],
      ["a query called with POST", post("inbox.list", JSON.stringify({ json: { sellerId: world.target.sellerId } }))],
      [
        "a mutation called with GET",
        new Request(`${BASE}/api/trpc/inbox.markRead?input=${encodeURIComponent("{}")}`, { headers: { authorization: token } }),
      ],
      ["an unknown procedure", new Request(`${BASE}/api/trpc/inbox.dropEverything`, { headers: { authorization: token } })],
      ["GET input that is not JSON", new Request(`${BASE}/api/trpc/inbox.list?input=%7Bnope`, { headers: { authorization: token } })],
      [
        "a batch with unparsable inputs",
        new Request(`${BASE}/api/trpc/inbox.list,inbox.get?batch=1&input=${encodeURIComponent('{"0": 5')}`, {
          headers: { authorization: token },
        }),
      ],
    ];
    for (const [what, request] of requests) {
      const response = await rawTrpc(request, null, { prisma });
      const text = await response.text();
      answers++;
      if (response.status >= 500) serverErrors.push(`tRPC ${what}: ${response.status} ${text.slice(0, 200)}`);
      expect(response.status, `${what}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${what}: ${text.slice(0, 300)}`).toBeLessThan(500);
      expect(text, what).toMatch(/"message":"[^"]{6,}/);
    }
    expect(await sellerSnapshot(prisma, world.target.sellerId)).toBe(before);
  });
});

describe("REST routes under hostile input", () => {
  for (const { path, type, rest } of procedures.filter((procedure) => procedure.rest)) {
    it(`${rest!.method} ${rest!.path}: never 5xx, clear 4xx, nothing written`, async () => {
      const { prisma } = database();
      const before = await sellerSnapshot(prisma, world.target.sellerId);
      for (const [how, auth] of auths()) {
        await fc.assert(
          fc.asyncProperty(hostileInput(path), async (input) => {
            const fields =
              input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : { value: input };
            // Path parameters must be present to reach the route at all.
            const withPath = { ...harmlessBase(path), ...fields };
            const answer = await callRest(rest!.method, rest!.path, withPath, auth, { prisma });
            judge(
              `${rest!.method} ${rest!.path} (${how}) with ${JSON.stringify(withPath)?.slice(0, 200)}`,
              answer.status,
              (answer.body as { message?: string })?.message,
              type === "mutation" ? "mutation" : "query",
            );
          }),
          { numRuns: 12, seed: 11 },
        );
      }
      expect(await sellerSnapshot(prisma, world.target.sellerId), `${rest!.path} wrote something`).toBe(before);
    });
  }

  it("malformed REST requests: broken JSON, wrong content type, unknown route", async () => {
    const { prisma } = database();
    const before = await sellerSnapshot(prisma, world.target.sellerId);
    const url = `${BASE}/api/v1/sellers/${world.target.sellerId}/items/missing-id/read`;
    const headers = (contentType: string) => ({ authorization: `Bearer ${world.tokens.all}`, "content-type": contentType });
    const requests: Array<[string, Request]> = [
      ["truncated JSON", new Request(url, { method: "POST", headers: headers("application/json"), body: '{"read": ' })],
      ["text body", new Request(url, { method: "POST", headers: headers("text/plain"), body: "read=true" })],
      [
        "unknown route",
        new Request(`${BASE}/api/v1/sellers/${world.target.sellerId}/everything`, { headers: headers("application/json") }),
      ],
      [
        "wrong method",
        new Request(`${BASE}/api/v1/sellers/${world.target.sellerId}/inbox`, {
          method: "PUT",
          headers: headers("application/json"),
          body: "{}",
        }),
      ],
    ];
    for (const [what, request] of requests) {
      const answer = await rawRest(request, null, { prisma });
      answers++;
      if (answer.status >= 500) serverErrors.push(`REST ${what}: ${answer.status}`);
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
      expect((answer.body as { message?: string }).message?.length ?? 0, what).toBeGreaterThan(5);
    }
    expect(await sellerSnapshot(prisma, world.target.sellerId)).toBe(before);
  });

  it("text holding a NUL character (a search for %00, a reply) is refused with 400 naming it, and nothing is written", async () => {
    const { prisma } = database();
    const before = await sellerSnapshot(prisma, world.target.sellerId);
    const auth: Auth = { token: world.tokens.all };
    const calls: Array<[string, "query" | "mutation", unknown]> = [
      ["inbox.listAll", "query", { q: "брак\u0000" }],
      ["inbox.countsAll", "query", { q: "%\u0000" }],
      [
        "inbox.reply",
        "mutation",
        { sellerId: world.target.sellerId, itemId: world.target.itemId, text: "Спасибо\u0000 за отзыв!", idempotencyKey: "nul-reply-0001" },
      ],
    ];
    for (const [path, type, input] of calls) {
      const answer = await callTrpc(path, type, input, auth, { prisma, live });
      answers++;
      expect(answer.status, path).toBe(400);
      expect(answer.error?.message, path).toContain("NUL");
    }
    expect(await sellerSnapshot(prisma, world.target.sellerId)).toBe(before);
  });

  it("saw no server errors at all", () => {
    expect(serverErrors).toEqual([]);
  });
});
