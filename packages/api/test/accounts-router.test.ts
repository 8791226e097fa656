// The account procedures over tRPC: only owners of the seller manage its marketplace accounts,
// members of other sellers see nothing, and credentials are checked against the marketplace (a
// real sandbox over HTTP) before they are stored, encrypted, never to be returned.
import { randomUUID } from "node:crypto";
import type { ConnectorOptions } from "@inbox/connectors";
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { accountSecretContext, decryptSecret, encryptSecret, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../src/errors";
import type { JobQueue } from "../src/jobs/queues";
import { createCaller, createTRPCContext } from "../src/index";
import { addMember, createUser } from "./fixtures";
import { wbBaseUrls } from "./support/wildberries";
import { FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;
let world: Awaited<ReturnType<typeof buildWorld>>;
const CONNECTOR_OPTIONS: ConnectorOptions = { ...FAST_CONNECTOR_OPTIONS, rateLimit: false };

/** Records what the procedures queue instead of starting pg-boss. */
function recordingJobQueue() {
  const calls: string[] = [];
  const queue: JobQueue = {
    enqueueSync: async (accountId) => void calls.push(`sync ${accountId}`),
    enqueueReplyDelivery: async (replyId) => void calls.push(`reply ${replyId}`),
    enqueueMarkReadUpstream: async (itemIds) => void calls.push(`mark read ${itemIds.join(",")}`),
    enqueueAutomation: async () => {},
  };
  return { queue, calls };
}
let jobs = recordingJobQueue();

function callerFor(prisma: PrismaClient, userId: string, connectorOptions: ConnectorOptions = CONNECTOR_OPTIONS) {
  return createCaller(createTRPCContext({ userId, prisma, jobs: jobs.queue, connectorOptions }));
}

function validToken() {
  return sandbox.issueToken({ type: "personal", categories: ["feedbacks", "chat"] });
}

async function storedAccount(prisma: PrismaClient, sellerId: string, displayName: string) {
  const id = randomUUID();
  return prisma.marketplaceAccount.create({
    data: {
      id,
      sellerId,
      marketplace: "WILDBERRIES",
      displayName,
      credentialsEncrypted: encryptSecret(JSON.stringify({ apiToken: validToken() }), accountSecretContext(id)),
      baseUrls: wbBaseUrls(sandbox),
    },
  });
}

async function buildWorld(prisma: PrismaClient) {
  const [owner, agent, viewer, stranger] = await Promise.all(["Olga", "Anton", "Vera", "Boris"].map((name) => createUser(prisma, name)));
  const sellerA = await prisma.seller.create({ data: { name: "A" } });
  const sellerB = await prisma.seller.create({ data: { name: "B" } });
  await addMember(prisma, owner!.id, sellerA.id, "OWNER");
  await addMember(prisma, agent!.id, sellerA.id, "AGENT");
  await addMember(prisma, viewer!.id, sellerA.id, "VIEWER");
  await addMember(prisma, stranger!.id, sellerB.id, "OWNER");
  const accountA = await storedAccount(prisma, sellerA.id, "A on Wildberries");
  const accountB = await storedAccount(prisma, sellerB.id, "B on Wildberries");
  await prisma.syncRun.create({ data: { accountId: accountA.id, channel: "REVIEW", status: "SUCCEEDED", finishedAt: new Date() } });
  return { owner: owner!, agent: agent!, viewer: viewer!, stranger: stranger!, sellerA, sellerB, accountA, accountB };
}

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({ seed: 5, size: 5, rateLimits: false });
  world = await buildWorld(database().prisma);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  jobs = recordingJobQueue();
  vi.stubEnv("INBOX_ALLOW_CUSTOM_BASE_URL", "1");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"], message?: RegExp) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
}

/** Every account procedure, called on `sellerId` about `accountId`. */
function everyProcedure(caller: ReturnType<typeof callerFor>, sellerId: string, accountId: string) {
  return {
    list: () => caller.account.list({ sellerId }),
    runs: () => caller.account.runs({ sellerId, accountId }),
    create: () =>
      caller.account.create({
        sellerId,
        marketplace: "wildberries",
        displayName: "Intruder",
        credentials: { apiToken: validToken() },
        baseUrls: wbBaseUrls(sandbox),
      }),
    updateCredentials: () => caller.account.updateCredentials({ sellerId, accountId, credentials: { apiToken: validToken() } }),
    setPaused: () => caller.account.setPaused({ sellerId, accountId, paused: true }),
    remove: () => caller.account.remove({ sellerId, accountId }),
    syncNow: () => caller.account.syncNow({ sellerId, accountId }),
    resyncFrom: () => caller.account.resyncFrom({ sellerId, accountId, from: new Date("2026-01-01T00:00:00Z") }),
  };
}
const OWNER_ONLY = ["create", "updateCredentials", "setPaused", "remove", "syncNow", "resyncFrom"] as const;

async function accountsOf(prisma: PrismaClient, sellerId: string) {
  return prisma.marketplaceAccount.findMany({ where: { sellerId }, orderBy: { id: "asc" } });
}

describe("account procedures from another seller", () => {
  it("refuse every procedure with NOT_FOUND for a seller the caller is not a member of, and change nothing", async () => {
    const { prisma } = database();
    const before = await accountsOf(prisma, world.sellerA.id);
    const procedures = everyProcedure(callerFor(prisma, world.stranger.id), world.sellerA.id, world.accountA.id);
    for (const [name, call] of Object.entries(procedures)) {
      await expectCode(call(), "NOT_FOUND", /not found/i).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
    }
    expect(await accountsOf(prisma, world.sellerA.id)).toEqual(before);
    expect(jobs.calls).toEqual([]);
  });

  it("refuse another seller's account with NOT_FOUND even under the caller's own seller, and list only its own accounts", async () => {
    const { prisma } = database();
    const before = await accountsOf(prisma, world.sellerA.id);
    const procedures = everyProcedure(callerFor(prisma, world.stranger.id), world.sellerB.id, world.accountA.id);
    for (const name of ["runs", "updateCredentials", "setPaused", "remove", "syncNow", "resyncFrom"] as const) {
      await expectCode(procedures[name](), "NOT_FOUND", /No such marketplace account/).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
    }
    const listed = await procedures.list();
    expect(listed.map((account) => account.id)).toEqual([world.accountB.id]);
    expect(await accountsOf(prisma, world.sellerA.id)).toEqual(before);
    expect(jobs.calls).toEqual([]);
  });
});

describe("account procedures for members who are not owners", () => {
  it.each(["agent", "viewer"] as const)(
    "let an %s list accounts and runs but refuse every owner-only procedure with FORBIDDEN",
    async (role) => {
      const { prisma } = database();
      const before = await accountsOf(prisma, world.sellerA.id);
      const procedures = everyProcedure(callerFor(prisma, world[role].id), world.sellerA.id, world.accountA.id);
      expect((await procedures.list()).map((account) => account.id)).toContain(world.accountA.id);
      expect((await procedures.runs()).map((run) => run.channel)).toEqual(["review"]);
      for (const name of OWNER_ONLY) {
        await expectCode(procedures[name](), "FORBIDDEN", /Only an owner/).catch((error: unknown) => {
          throw new Error(`${name}: ${String(error)}`);
        });
      }
      expect(await accountsOf(prisma, world.sellerA.id)).toEqual(before);
      expect(jobs.calls).toEqual([]);
    },
  );
});

describe("account.create", () => {
  it("checks the token with a real call to the marketplace: a wrong or incomplete one is refused with a clear message and nothing is stored", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.owner.id);
    const before = await accountsOf(prisma, world.sellerA.id);
    const requestsBefore = sandbox.stats.feedbacks.total;
    const create = (credentials: Record<string, string>) =>
      caller.account.create({
        sellerId: world.sellerA.id,
        marketplace: "wildberries",
        displayName: "Shop",
        credentials,
        baseUrls: wbBaseUrls(sandbox),
      });

    // A token without the feedbacks category, and one the marketplace never issued.
    await expectCode(
      create({ apiToken: sandbox.issueToken({ type: "personal", categories: ["chat"] }) }),
      "BAD_REQUEST",
      /rejected these credentials/,
    );
    await expectCode(create({ apiToken: "eyJhbGciOiJFUzI1NiJ9.e30.forged" }), "BAD_REQUEST", /rejected these credentials/);
    expect(sandbox.stats.feedbacks.total - requestsBefore).toBeGreaterThanOrEqual(2);
    expect(sandbox.stats.feedbacks.status(401)).toBeGreaterThanOrEqual(2);
    await expectCode(create({ token: "no-api-token-field" }), "BAD_REQUEST", /field "apiToken" is missing/);
    // The kind of failure travels as data (error.data.reason over HTTP), for a translated message.
    const rejected = (await create({ apiToken: "eyJhbGciOiJFUzI1NiJ9.e30.forged" }).catch((caught: unknown) => caught)) as TRPCError;
    expect((rejected.cause as AppError).reason).toBe("credentials_rejected");
    const incomplete = (await create({ token: "no-api-token-field" }).catch((caught: unknown) => caught)) as TRPCError;
    expect((incomplete.cause as AppError).reason).toBe("credentials_incomplete");

    expect(await accountsOf(prisma, world.sellerA.id)).toEqual(before);
    expect(jobs.calls).toEqual([]);
  });

  it("stores a checked token encrypted at rest, queues the first sync and never returns the credentials", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.owner.id);
    const token = validToken();
    const created = await caller.account.create({
      sellerId: world.sellerA.id,
      marketplace: "wildberries",
      displayName: "  Main shop  ",
      credentials: { apiToken: token },
      baseUrls: wbBaseUrls(sandbox),
    });
    expect(Object.keys(created)).toEqual(["id"]);

    const row = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({
      sellerId: world.sellerA.id,
      marketplace: "WILDBERRIES",
      displayName: "Main shop",
      baseUrls: wbBaseUrls(sandbox),
    });
    expect(row.credentialsEncrypted).not.toContain(token);
    for (const part of token.split(".")) expect(row.credentialsEncrypted).not.toContain(part);
    expect(row.credentialsEncrypted).toMatch(/^v2:[0-9a-f]{16}:/);
    expect(JSON.parse(decryptSecret(row.credentialsEncrypted, accountSecretContext(row.id)))).toEqual({ apiToken: token });
    expect(jobs.calls).toEqual([`sync ${created.id}`]);

    // Nothing a member can read carries the credentials.
    const listed = await caller.account.list({ sellerId: world.sellerA.id });
    const runs = await caller.account.runs({ sellerId: world.sellerA.id, accountId: created.id });
    for (const output of [created, listed, runs]) {
      const text = JSON.stringify(output);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/credentials|apiToken|baseUrls/);
    }
    expect(listed.find((account) => account.id === created.id)).toMatchObject({
      marketplace: "wildberries",
      displayName: "Main shop",
      channels: ["review", "question", "chat"],
      status: "OK",
    });
  });

  it("ignores baseUrls unless INBOX_ALLOW_CUSTOM_BASE_URL=1: the check goes to the real marketplace host, never to the given one", async () => {
    vi.stubEnv("INBOX_ALLOW_CUSTOM_BASE_URL", "");
    const { prisma } = database();
    const called: string[] = [];
    // Records every URL; the test network stops at localhost, so the real host fails fast here.
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      called.push(url);
      if (new URL(url).hostname !== "127.0.0.1") throw new TypeError("fetch failed: no network beyond localhost in tests");
      return fetch(input, init);
    };
    const caller = callerFor(prisma, world.owner.id, { ...CONNECTOR_OPTIONS, maxRetries: 0, fetch: recordingFetch });
    const before = await accountsOf(prisma, world.sellerA.id);
    const requestsBefore = sandbox.stats.feedbacks.total + sandbox.stats.chat.total;

    await expectCode(
      caller.account.create({
        sellerId: world.sellerA.id,
        marketplace: "wildberries",
        displayName: "Shop",
        credentials: { apiToken: validToken() },
        baseUrls: wbBaseUrls(sandbox),
      }),
      "BAD_REQUEST",
      /Could not reach the marketplace/,
    );
    expect(called.map((url) => new URL(url).origin)).toEqual(["https://feedbacks-api.wildberries.ru"]);
    expect(sandbox.stats.feedbacks.total + sandbox.stats.chat.total).toBe(requestsBefore);
    expect(await accountsOf(prisma, world.sellerA.id)).toEqual(before);

    // Allowed, the same input reaches the sandbox.
    vi.stubEnv("INBOX_ALLOW_CUSTOM_BASE_URL", "1");
    const created = await caller.account.create({
      sellerId: world.sellerA.id,
      marketplace: "wildberries",
      displayName: "Shop",
      credentials: { apiToken: validToken() },
      baseUrls: wbBaseUrls(sandbox),
    });
    expect(new URL(called.at(-1)!).origin).toBe(sandbox.feedbacksUrl);
    await prisma.marketplaceAccount.delete({ where: { id: created.id } });
  });
});

describe("owner procedures", () => {
  it("replace the token only after checking it, pause and resume, queue syncs and re-scans, and remove the account", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.owner.id);
    const account = await storedAccount(prisma, world.sellerA.id, "Managed");
    await prisma.marketplaceAccount.update({ where: { id: account.id }, data: { status: "NEEDS_TOKEN", statusReason: "TOKEN_REJECTED" } });
    await prisma.syncState.create({ data: { accountId: account.id, channel: "REVIEW", rescanCursor: "old" } });
    const input = { sellerId: world.sellerA.id, accountId: account.id };

    await expectCode(
      caller.account.updateCredentials({ ...input, credentials: { apiToken: sandbox.issueToken({ categories: ["chat"] }) } }),
      "BAD_REQUEST",
      /rejected these credentials/,
    );
    expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id } })).credentialsEncrypted).toBe(
      account.credentialsEncrypted,
    );
    const token = validToken();
    await caller.account.updateCredentials({ ...input, credentials: { apiToken: token } });
    const updated = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(updated).toMatchObject({ status: "OK", statusReason: null });
    expect(updated.credentialsEncrypted).not.toContain(token);
    expect(JSON.parse(decryptSecret(updated.credentialsEncrypted, accountSecretContext(updated.id)))).toEqual({ apiToken: token });

    expect(await caller.account.setPaused({ ...input, paused: true })).toEqual({ id: account.id, paused: true });
    expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id } })).paused).toBe(true);
    await caller.account.setPaused({ ...input, paused: false });
    await caller.account.syncNow(input);
    const from = new Date("2026-02-01T00:00:00Z");
    await caller.account.resyncFrom({ ...input, from });
    expect(await prisma.syncState.findFirstOrThrow({ where: { accountId: account.id } })).toMatchObject({
      rescanFrom: from,
      rescanCursor: null,
    });
    // Updated token, resumed, sync now, resync: each queues a sync; pausing does not.
    expect(jobs.calls).toEqual([`sync ${account.id}`, `sync ${account.id}`, `sync ${account.id}`, `sync ${account.id}`]);

    await caller.account.remove(input);
    expect(await prisma.marketplaceAccount.findUnique({ where: { id: account.id } })).toBeNull();
    await expectCode(caller.account.runs(input), "NOT_FOUND");
  });
});
