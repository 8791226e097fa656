// Isolation, proven for every procedure of the app router and every REST route: a member of another
// seller, a viewer (and an agent for owner procedures), a token of another seller and a token of
// too narrow a scope each get no data and change nothing; the rightful caller gets through.
// Procedures are read from the router itself: one without a line in procedure-cases.ts fails here.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveHub, type LiveHub } from "../src/live/live-hub";
import { appRouter } from "../src/root";
import type { ProcedureMeta } from "../src/trpc";
import { buildApiWorld, callRest, callTrpc, sellerSnapshot, type ApiWorld, type Auth } from "./support/api-world";
import { PROCEDURE_CASES, type ProcedureCase } from "./support/procedure-cases";

const database = useTestDatabase();
let world: ApiWorld;
let live: LiveHub;

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
});

interface Refusal {
  who: string;
  auth: (w: ApiWorld) => Auth;
  status: number;
}

/** Everyone who must be refused, with the status they must get. */
function refusalsFor(entry: ProcedureCase): Refusal[] {
  const refusals: Refusal[] = [{ who: "nobody (no cookie, no token)", auth: () => null, status: 401 }];
  if (entry.sellerScoped) {
    refusals.push(
      { who: "the owner of another seller", auth: (w) => ({ userId: w.outsider.id }), status: 404 },
      { who: "a token of another seller", auth: (w) => ({ token: w.tokens.otherSeller }), status: 403 },
    );
  }
  if (entry.needs !== "read" && entry.needs !== "user-session")
    refusals.push({ who: "a viewer", auth: (w) => ({ userId: w.viewer.id }), status: 403 });
  if (entry.needs === "manage" || entry.needs === "owner-session")
    refusals.push({ who: "an agent", auth: (w) => ({ userId: w.agent.id }), status: 403 });
  const narrowToken = {
    read: "replyManage",
    reply: "readManage",
    manage: "readReply",
    "owner-session": "all",
    "user-session": "all",
  } as const;
  refusals.push({
    who: `a token without the needed scope (${narrowToken[entry.needs]})`,
    auth: (w) => ({ token: w.tokens[narrowToken[entry.needs]] }),
    status: 403,
  });
  return refusals;
}

function caseOf(path: string): ProcedureCase {
  const entry = PROCEDURE_CASES[path];
  if (!entry) {
    throw new Error(
      `Procedure "${path}" has no line in test/support/procedure-cases.ts: add one saying what it needs and a valid input, so its isolation is proven.`,
    );
  }
  return entry;
}

describe("every procedure of the app router", () => {
  it("has a line in the procedure table (a new procedure nobody listed fails here)", () => {
    const missing = procedures.filter(({ path }) => !PROCEDURE_CASES[path]).map(({ path }) => path);
    expect(missing, `Add these procedures to test/support/procedure-cases.ts: ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(PROCEDURE_CASES).filter((path) => !procedures.some((procedure) => procedure.path === path));
    expect(stale, `These lines name procedures the router no longer has: ${stale.join(", ")}`).toEqual([]);
  });

  for (const { path, type } of procedures) {
    it(`${path}: outsiders, narrower roles and narrower tokens get no data and change nothing`, async () => {
      const { prisma } = database();
      const entry = caseOf(path);
      for (const refusal of refusalsFor(entry)) {
        const before = await sellerSnapshot(prisma, world.target.sellerId);
        const answer = await callTrpc(path, type, entry.input(world), refusal.auth(world), { prisma, live });
        const context = `${path} called by ${refusal.who}`;
        if (entry.sellerScoped || refusal.status === 401) {
          expect(answer.status, context).toBe(refusal.status);
          expect(answer.data, context).toBeUndefined();
          expect(answer.error?.message.length, context).toBeGreaterThan(10);
        } else {
          // Outside a seller: either refused, or answered about the caller alone.
          expect([200, refusal.status], context).toContain(answer.status);
          expect(JSON.stringify(answer.data ?? null), context).not.toContain(world.target.sellerId);
        }
        expect(await sellerSnapshot(prisma, world.target.sellerId), `${context} changed the target seller`).toBe(before);
      }
    });
  }
});

describe("every REST route", () => {
  const routes = procedures.filter((procedure) => procedure.rest);

  it("exists for each seller procedure other apps may call (all but session-only ones and those that say why not)", () => {
    const withoutRoute = procedures.filter(
      ({ path, rest }) => !rest && caseOf(path).needs !== "owner-session" && !caseOf(path).noRest && !path.startsWith("audit."),
    );
    expect(withoutRoute.map(({ path }) => path)).toEqual([]);
  });

  for (const { path, rest } of routes) {
    it(`${rest!.method} ${rest!.path} (${path}): refused for outsiders and narrower callers, nothing changes`, async () => {
      const { prisma } = database();
      const entry = caseOf(path);
      for (const refusal of refusalsFor(entry)) {
        const before = await sellerSnapshot(prisma, world.target.sellerId);
        const answer = await callRest(rest!.method, rest!.path, entry.input(world) ?? {}, refusal.auth(world), { prisma });
        const context = `${rest!.method} ${rest!.path} called by ${refusal.who}`;
        if (entry.sellerScoped || refusal.status === 401) {
          expect(answer.status, `${context}: ${JSON.stringify(answer.body)}`).toBe(refusal.status);
          expect((answer.body as { message?: string }).message?.length, context).toBeGreaterThan(10);
        } else {
          expect([200, refusal.status], context).toContain(answer.status);
          expect(JSON.stringify(answer.body), context).not.toContain(world.target.sellerId);
        }
        expect(await sellerSnapshot(prisma, world.target.sellerId), `${context} changed the target seller`).toBe(before);
      }
    });
  }
});

describe("the rightful caller", () => {
  // Run after the refusals: these calls do change the target seller (a reply, a removed account…).
  for (const { path, type } of procedures) {
    it(`${path}: the owner's session and a token with the needed scope get through`, async () => {
      const { prisma } = database();
      const entry = caseOf(path);
      const callers: Array<[string, Auth]> = [["the owner", { userId: world.owner.id }]];
      if (entry.needs !== "owner-session" && entry.needs !== "user-session")
        callers.push(["a token with every scope", { token: world.tokens.all }]);
      for (const [who, auth] of callers) {
        const answer = await callTrpc(path, type, entry.input(world), auth, { prisma, live });
        // Access is granted: whatever the procedure then says (a refused credential check, an unknown
        // token id) is about the input, never 401/403 or "Seller not found".
        expect([401, 403], `${path} by ${who}: ${answer.error?.message}`).not.toContain(answer.status);
        expect(answer.error?.message ?? "", `${path} by ${who}`).not.toBe("Seller not found.");
        expect(answer.status, `${path} by ${who}: ${answer.error?.message}`).toBeLessThan(500);
      }
    });
  }
});
