// API tokens at the HTTP edge: stored hashed, bearer auth with readable 401s, per-token rate limit
// (429 + Retry-After), batch and body caps, REST with the same auth, audit entries, and the
// token:create command printing only the token.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, describe, expect, it } from "vitest";
import { hashApiToken, resolveApiToken } from "../src/auth/api-tokens";
import { TokenBucketLimiter } from "../src/auth/rate-limit";
import { MAX_BATCH_CALLS, MAX_BODY_BYTES } from "../src/http/api-http";
import { BASE, buildApiWorld, callRest, callTrpc, rawRest, rawTrpc, readTrpc, type ApiWorld } from "./support/api-world";

const database = useTestDatabase();
let world: ApiWorld;

beforeAll(async () => {
  world = await buildApiWorld(database().prisma);
});

describe("storage", () => {
  it("keeps only the hash and a display prefix of the secret", async () => {
    const { prisma } = database();
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashApiToken(world.tokens.read) } });
    expect(world.tokens.read).toMatch(/^inbox_[A-Za-z0-9_-]{43}$/);
    expect(row.prefix).toBe(world.tokens.read.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(world.tokens.read.slice(12));
  });

  it("records when and from where a token was last used", async () => {
    const { prisma } = database();
    await resolveApiToken(prisma, world.tokens.readReply, "203.0.113.7");
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashApiToken(world.tokens.readReply) } });
    expect(row.lastUsedIp).toBe("203.0.113.7");
    expect(row.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("bearer authentication", () => {
  it("reads its seller's inbox over tRPC with the token alone", async () => {
    const answer = await callTrpc(
      "inbox.list",
      "query",
      { sellerId: world.target.sellerId },
      { token: world.tokens.read },
      { prisma: database().prisma },
    );
    expect(answer.status).toBe(200);
    expect((answer.data as { items: unknown[] }).items).toHaveLength(3);
  });

  it("lists only its own seller in seller.list", async () => {
    const answer = await callTrpc("seller.list", "query", undefined, { token: world.tokens.read }, { prisma: database().prisma });
    expect((answer.data as Array<{ id: string; role: string }>).map((seller) => [seller.id, seller.role])).toEqual([
      [world.target.sellerId, "VIEWER"],
    ]);
  });

  it.each([
    ["a malformed header", { authorization: "Token abc" }, "Authorization: Bearer"],
    ["something that is not a token", { authorization: "Bearer hello" }, "not an API token"],
    ["an unknown token", { token: `inbox_${"A".repeat(43)}` }, "Unknown API token"],
  ])("answers 401 with a readable message for %s", async (_, auth, message) => {
    const answer = await callTrpc("inbox.list", "query", { sellerId: world.target.sellerId }, auth, { prisma: database().prisma });
    expect(answer.status).toBe(401);
    expect(answer.error?.message).toContain(message);
  });

  it("refuses a revoked and an expired token with 401 and says which", async () => {
    const { prisma } = database();
    const answer = (token: string) => callTrpc("inbox.list", "query", { sellerId: world.target.sellerId }, { token }, { prisma });
    const owner = { userId: world.owner.id };
    const created = await callTrpc(
      "apiToken.create",
      "mutation",
      { sellerId: world.target.sellerId, name: "soon gone", scopes: ["read"] },
      owner,
      { prisma },
    );
    const { token, apiToken } = created.data as { token: string; apiToken: { id: string } };
    expect((await answer(token)).status).toBe(200);
    await callTrpc("apiToken.revoke", "mutation", { sellerId: world.target.sellerId, tokenId: apiToken.id }, owner, { prisma });
    expect(await answer(token)).toMatchObject({ status: 401, error: { message: "This API token was revoked." } });

    const expiring = await callTrpc(
      "apiToken.create",
      "mutation",
      { sellerId: world.target.sellerId, name: "short", scopes: ["read"], expiresAt: new Date(Date.now() + 60_000).toISOString() },
      owner,
      { prisma },
    );
    const expiringToken = expiring.data as { token: string; apiToken: { id: string } };
    await prisma.apiToken.update({ where: { id: expiringToken.apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await answer(expiringToken.token)).toMatchObject({ status: 401, error: { message: "This API token has expired." } });
  });

  it("stops working when its creator is no longer an owner of the seller", async () => {
    const { prisma } = database();
    const created = await callTrpc(
      "apiToken.create",
      "mutation",
      { sellerId: world.target.sellerId, name: "demoted", scopes: ["read"] },
      { userId: world.owner.id },
      { prisma },
    );
    const { token } = created.data as { token: string };
    await prisma.membership.update({
      where: { userId_sellerId: { userId: world.owner.id, sellerId: world.target.sellerId } },
      data: { role: "AGENT" },
    });
    try {
      const answer = await callTrpc("inbox.list", "query", { sellerId: world.target.sellerId }, { token }, { prisma });
      expect(answer.status).toBe(401);
      expect(answer.error?.message).toContain("no longer owns");
    } finally {
      await prisma.membership.update({
        where: { userId_sellerId: { userId: world.owner.id, sellerId: world.target.sellerId } },
        data: { role: "OWNER" },
      });
    }
  });

  it("never falls back to the session cookie when a bad token is sent", async () => {
    const { prisma } = database();
    const request = new Request(`${BASE}/api/trpc/seller.list`, { headers: { authorization: "Bearer nope" } });
    const response = await rawTrpc(request, { userId: world.owner.id }, { prisma });
    expect(response.status).toBe(401);
  });

  it("records token creation and revocation in the audit log with the owner as actor", async () => {
    const { prisma } = database();
    const owner = { userId: world.owner.id };
    const created = await callTrpc(
      "apiToken.create",
      "mutation",
      { sellerId: world.target.sellerId, name: "audited", scopes: ["read", "reply"] },
      owner,
      { prisma },
    );
    const { apiToken } = created.data as { apiToken: { id: string } };
    await callTrpc("apiToken.revoke", "mutation", { sellerId: world.target.sellerId, tokenId: apiToken.id }, owner, { prisma });
    const events = await prisma.auditEvent.findMany({ where: { targetId: apiToken.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.action, event.actorUserId])).toEqual([
      ["token.created", world.owner.id],
      ["token.revoked", world.owner.id],
    ]);
  });

  it("attributes a reply sent with a token to the token in the audit log", async () => {
    const { prisma } = database();
    const answer = await callTrpc(
      "inbox.reply",
      "mutation",
      { sellerId: world.target.sellerId, itemId: world.target.itemId, text: "Ответ через API", idempotencyKey: "token-audit-1" },
      { token: world.tokens.readReply },
      { prisma },
    );
    expect(answer.status).toBe(200);
    const tokenRow = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashApiToken(world.tokens.readReply) } });
    expect(await prisma.auditEvent.count({ where: { action: "reply.queued", actorTokenId: tokenRow.id } })).toBe(1);
  });
});

describe("limits", () => {
  it("answers 429 with Retry-After once a token's burst is spent, per token", async () => {
    const { prisma } = database();
    const limiter = new TokenBucketLimiter({ ratePerSecond: 0.5, burst: 3 });
    const call = (token: string) => callTrpc("catalog.channels", "query", undefined, { token }, { prisma, limiter });
    for (let index = 0; index < 3; index++) expect((await call(world.tokens.read)).status).toBe(200);
    const refused = await call(world.tokens.read);
    expect(refused.status).toBe(429);
    expect(refused.error?.message).toContain("Too many requests");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another token has its own bucket; sessions are not limited here.
    expect((await call(world.tokens.all)).status).toBe(200);
    expect((await callTrpc("catalog.channels", "query", undefined, { userId: world.owner.id }, { prisma, limiter })).status).toBe(200);
  });

  it("refills the bucket over time", () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, burst: 2 });
    expect(limiter.take("t", 1, 0).allowed).toBe(true);
    expect(limiter.take("t", 1, 0).allowed).toBe(true);
    expect(limiter.take("t", 1, 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take("t", 1, 100).allowed).toBe(true);
  });

  it(`refuses a batch of more than ${MAX_BATCH_CALLS} calls with 400 and says the limit`, async () => {
    const paths = Array.from({ length: MAX_BATCH_CALLS + 1 }, () => "catalog.channels").join(",");
    const request = new Request(`${BASE}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`, {
      headers: { authorization: `Bearer ${world.tokens.read}` },
    });
    const answer = await rawTrpc(request, null, { prisma: database().prisma });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as Array<{ error: { json: { message: string } } }>;
    expect(body).toHaveLength(MAX_BATCH_CALLS + 1);
    expect(body[0]!.error.json.message).toBe(`A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${MAX_BATCH_CALLS + 1}.`);
  });

  it("accepts a full batch", async () => {
    const paths = Array.from({ length: MAX_BATCH_CALLS }, () => "catalog.channels").join(",");
    const request = new Request(`${BASE}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`, {
      headers: { authorization: `Bearer ${world.tokens.read}` },
    });
    expect((await rawTrpc(request, null, { prisma: database().prisma })).status).toBe(200);
  });

  it("refuses a body over 1 MB with 413, declared or streamed, on tRPC and REST", async () => {
    const { prisma } = database();
    const big = JSON.stringify({
      json: { sellerId: world.target.sellerId, itemId: world.target.itemId, text: "я".repeat(MAX_BODY_BYTES), idempotencyKey: "too-big-1" },
    });
    const headers = { authorization: `Bearer ${world.tokens.all}`, "content-type": "application/json" };
    const declared = await rawTrpc(new Request(`${BASE}/api/trpc/inbox.reply`, { method: "POST", headers, body: big }), null, { prisma });
    expect(declared.status).toBe(413);
    expect((await readTrpc(declared)).error?.message).toBe("The request body is larger than 1 MB.");
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await rawTrpc(
      new Request(`${BASE}/api/trpc/inbox.reply`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit),
      null,
      { prisma },
    );
    expect(streamed.status).toBe(413);
    const rest = await rawRest(
      new Request(`${BASE}/api/v1/sellers/${world.target.sellerId}/items/${world.target.itemId}/replies`, {
        method: "POST",
        headers,
        body: big,
      }),
      null,
      { prisma },
    );
    expect(rest.status).toBe(413);
    expect(await prisma.reply.count({ where: { idempotencyKey: "too-big-1" } })).toBe(0);
  });
});

describe("REST", () => {
  it("lists unanswered reviews and answers one with a token", async () => {
    const { prisma } = database();
    const auth = { token: world.tokens.readReply };
    const page = await callRest(
      "GET",
      "/sellers/{sellerId}/inbox",
      { sellerId: world.target.sellerId, status: "unanswered", limit: 10 },
      auth,
      { prisma },
    );
    expect(page.status).toBe(200);
    const items = (page.body as { items: Array<{ id: string }> }).items;
    // The first unanswered item got a reply in an earlier test; the chat is still open.
    const open = items.filter((item) => item.id !== world.target.itemId);
    expect(open.length).toBeGreaterThan(0);
    const reply = await callRest(
      "POST",
      "/sellers/{sellerId}/items/{itemId}/replies",
      { sellerId: world.target.sellerId, itemId: open[0]!.id, text: "Спасибо через REST", idempotencyKey: "rest-reply-1" },
      auth,
      { prisma },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await prisma.reply.count({ where: { idempotencyKey: "rest-reply-1" } })).toBe(1);
  });

  it("answers invalid input with 400 and the failing fields", async () => {
    const answer = await callRest(
      "GET",
      "/sellers/{sellerId}/inbox",
      { sellerId: world.target.sellerId, limit: 1000 },
      { token: world.tokens.read },
      { prisma: database().prisma },
    );
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain("limit");
  });
});

describe("token:create", () => {
  it("prints the token on stdout and nothing else, and the token works", async () => {
    const { prisma, url } = database();
    const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/auth/create-token-cli.ts",
        "--",
        "--email",
        world.owner.email,
        "--seller",
        world.target.sellerId,
        "--scopes",
        "read,reply",
        "--expires",
        "30d",
      ],
      { cwd: apiDir, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^inbox_[A-Za-z0-9_-]{43}\n$/);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashApiToken(stdout.trim()) } });
    expect(row.scopes).toEqual(["READ", "REPLY"]);
    expect(row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const answer = await callTrpc("inbox.list", "query", { sellerId: world.target.sellerId }, { token: stdout.trim() }, { prisma });
    expect(answer.status).toBe(200);
  });
});
