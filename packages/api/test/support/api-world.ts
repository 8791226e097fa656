// A world for the API edge tests: two sellers, members with each role, API tokens of every useful
// shape, and helpers that call /api/trpc and /api/v1 through the real HTTP handlers (Request in,
// Response out) with a session user or a bearer token.
import type { PrismaClient } from "@inbox/db";
import { createApiToken, type ApiTokenScope } from "../../src/auth/api-tokens";
import { TokenBucketLimiter } from "../../src/auth/rate-limit";
import { handleRestHttpRequest, handleTrpcHttpRequest } from "../../src/http/api-http";
import type { JobQueue } from "../../src/jobs/queues";
import type { LiveHub } from "../../src/live/live-hub";
import { addMember, createSellerWithItems, createUser } from "../fixtures";

export const BASE = "http://inbox.test";

/** Records what would be queued: the edge tests prove access and writes, not delivery. */
export const recordingJobs = () => {
  const calls: string[] = [];
  const queue: JobQueue = {
    enqueueSync: async (accountId) => void calls.push(`sync ${accountId}`),
    enqueueReplyDelivery: async (replyId) => void calls.push(`deliver ${replyId}`),
    enqueueMarkReadUpstream: async (itemIds) => void calls.push(`mark-read ${itemIds.join(",")}`),
    enqueueAutomation: async (sellerId) => void calls.push(`automation ${sellerId}`),
  };
  return { calls, queue };
};

export async function buildApiWorld(prisma: PrismaClient) {
  const owner = await createUser(prisma, "Olga");
  const agent = await createUser(prisma, "Artem");
  const viewer = await createUser(prisma, "Vera");
  const outsider = await createUser(prisma, "Oscar");
  const target = await createSellerWithItems(prisma, "Target", [{}, { answered: true }, { channel: "CHAT" }]);
  const other = await createSellerWithItems(prisma, "Other", [{}]);
  await addMember(prisma, owner.id, target.seller.id, "OWNER");
  await addMember(prisma, agent.id, target.seller.id, "AGENT");
  await addMember(prisma, viewer.id, target.seller.id, "VIEWER");
  await addMember(prisma, outsider.id, other.seller.id, "OWNER");
  const reply = await prisma.reply.create({
    data: {
      itemId: target.items[0]!.id,
      authorId: owner.id,
      text: "Спасибо!",
      status: "FAILED",
      idempotencyKey: `failed-${target.seller.id}`,
    },
  });
  const token = async (sellerId: string, createdById: string, scopes: ApiTokenScope[]) =>
    (await createApiToken(prisma, { sellerId, createdById, name: scopes.join("+"), scopes })).token;
  const tokens = {
    all: await token(target.seller.id, owner.id, ["read", "reply", "manage"]),
    read: await token(target.seller.id, owner.id, ["read"]),
    readReply: await token(target.seller.id, owner.id, ["read", "reply"]),
    readManage: await token(target.seller.id, owner.id, ["read", "manage"]),
    replyManage: await token(target.seller.id, owner.id, ["reply", "manage"]),
    otherSeller: await token(other.seller.id, outsider.id, ["read", "reply", "manage"]),
  };
  return {
    owner,
    agent,
    viewer,
    outsider,
    target: { sellerId: target.seller.id, itemId: target.items[0]!.id, accountId: target.accounts.WILDBERRIES.id, replyId: reply.id },
    other: { sellerId: other.seller.id, itemId: other.items[0]!.id, accountId: other.accounts.WILDBERRIES.id },
    tokens,
  };
}
export type ApiWorld = Awaited<ReturnType<typeof buildApiWorld>>;

/** Who calls: a session user (cookie) or a bearer token. */
export type Auth = { userId: string } | { token: string } | { authorization: string } | null;

export interface EdgeOptions {
  prisma: PrismaClient;
  jobs?: JobQueue;
  limiter?: TokenBucketLimiter;
  /** For subscriptions (live.events): the hub their streams listen on. */
  live?: LiveHub;
}

/** Generous limits, so only the rate-limit test ever sees a 429. */
export const unlimited = () => new TokenBucketLimiter({ ratePerSecond: 1_000_000, burst: 1_000_000 });

function headersFor(auth: Auth, extra: Record<string, string> = {}) {
  const headers = new Headers(extra);
  if (auth && "token" in auth) headers.set("authorization", `Bearer ${auth.token}`);
  if (auth && "authorization" in auth) headers.set("authorization", auth.authorization);
  return headers;
}

function handlerOptions(auth: Auth, options: EdgeOptions) {
  return {
    sessionUserId: async () => (auth && "userId" in auth ? auth.userId : null),
    prisma: options.prisma,
    jobs: options.jobs ?? recordingJobs().queue,
    limiter: options.limiter ?? unlimited(),
    live: options.live,
  };
}

export interface TrpcAnswer {
  status: number;
  headers: Headers;
  /** The call's result data, or its error. */
  data?: unknown;
  error?: { message: string; code: number; data: { code: string; httpStatus: number } };
}

/** One tRPC call over HTTP, as @trpc/client sends it (superjson envelope, not batched). */
export async function callTrpc(
  path: string,
  type: "query" | "mutation" | "subscription",
  input: unknown,
  auth: Auth,
  options: EdgeOptions,
): Promise<TrpcAnswer> {
  const envelope = JSON.stringify({ json: input });
  const request =
    type !== "mutation"
      ? new Request(`${BASE}/api/trpc/${path}?input=${encodeURIComponent(envelope)}`, { headers: headersFor(auth) })
      : new Request(`${BASE}/api/trpc/${path}`, {
          method: "POST",
          headers: headersFor(auth, { "content-type": "application/json" }),
          body: envelope,
        });
  const response = await handleTrpcHttpRequest(request, handlerOptions(auth, options));
  return type === "subscription" ? readFirstEvent(response) : readTrpc(response);
}

/**
 * A subscription's answer as the SSE link sees it: the first data event, or the error event that
 * ends the stream (tRPC sends refusals in the stream; its status is the error's HTTP status here).
 * The stream is cancelled after it, which ends the subscription on the server.
 */
export async function readFirstEvent(response: Response): Promise<TrpcAnswer> {
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) return readTrpc(response);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`The event stream ended without an event: ${buffer}`);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n");
        if (event === "serialized-error") {
          const error = (JSON.parse(data) as { json: NonNullable<TrpcAnswer["error"]> }).json;
          return { status: error.data.httpStatus, headers: response.headers, error };
        }
        if (event === "message" && data) {
          return { status: response.status, headers: response.headers, data: (JSON.parse(data) as { json: unknown }).json };
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Any raw request to /api/trpc (malformed ones included). */
export async function rawTrpc(request: Request, auth: Auth, options: EdgeOptions) {
  return handleTrpcHttpRequest(request, handlerOptions(auth, options));
}

export async function readTrpc(response: Response): Promise<TrpcAnswer> {
  const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: { json: TrpcAnswer["error"] } };
  return { status: response.status, headers: response.headers, data: body.result?.data.json, error: body.error?.json };
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One REST call; path parameters are filled from `input`, the rest goes in the query (GET, DELETE) or the JSON body. */
export async function callRest(
  method: string,
  template: string,
  input: Record<string, unknown>,
  auth: Auth,
  options: EdgeOptions,
): Promise<RestAnswer> {
  const rest = { ...input };
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  const url = new URL(`${BASE}/api/v1${path}`);
  const withBody = method === "POST" || method === "PUT" || method === "PATCH";
  if (!withBody) for (const [key, value] of Object.entries(rest)) if (value !== undefined) url.searchParams.set(key, String(value));
  const request = new Request(url, {
    method,
    headers: headersFor(auth, withBody ? { "content-type": "application/json" } : {}),
    body: withBody ? JSON.stringify(rest) : undefined,
  });
  return rawRest(request, auth, options);
}

export async function rawRest(request: Request, auth: Auth, options: EdgeOptions): Promise<RestAnswer> {
  const response = await handleRestHttpRequest(request, handlerOptions(auth, options));
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // left as text: the assertion says what came back
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * Everything a seller owns, serialised: equal before and after means a call changed nothing.
 * API tokens are listed without their last-used fields (calling with a token updates them).
 */
export async function sellerSnapshot(prisma: PrismaClient, sellerId: string) {
  const ofItems = { item: { sellerId } };
  const [seller, memberships, accounts, items, messages, replies, syncStates, syncRuns, tokens, audit, invitations, notes, events] =
    await Promise.all([
      prisma.seller.findUnique({ where: { id: sellerId } }),
      prisma.membership.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
      prisma.marketplaceAccount.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
      prisma.item.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
      prisma.message.findMany({ where: ofItems, orderBy: { id: "asc" } }),
      prisma.reply.findMany({ where: ofItems, orderBy: { id: "asc" } }),
      prisma.syncState.findMany({ where: { account: { sellerId } }, orderBy: { id: "asc" } }),
      prisma.syncRun.findMany({ where: { account: { sellerId } }, orderBy: { id: "asc" } }),
      prisma.apiToken.findMany({ where: { sellerId }, orderBy: { id: "asc" }, omit: { lastUsedAt: true, lastUsedIp: true } }),
      prisma.auditEvent.count({ where: { sellerId } }),
      prisma.invitation.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
      prisma.itemNote.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
      prisma.itemEvent.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
    ]);
  const [drafts, templates, rules, ruleRuns, sentAnswers] = await Promise.all([
    prisma.draft.findMany({ where: ofItems, orderBy: [{ itemId: "asc" }, { userId: "asc" }] }),
    prisma.replyTemplate.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
    prisma.automationRule.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
    prisma.automationRun.findMany({ where: { rule: { sellerId } }, orderBy: { id: "asc" } }),
    prisma.sentAnswer.findMany({ where: { sellerId }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({
    seller,
    memberships,
    accounts,
    items,
    messages,
    replies,
    syncStates,
    syncRuns,
    tokens,
    audit,
    invitations,
    notes,
    events,
    drafts,
    templates,
    rules,
    ruleRuns,
    sentAnswers,
  });
}
