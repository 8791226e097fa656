// The HTTP edge of the API, shared by tRPC (`/api/trpc`) and REST (`/api/v1`): who is calling
// (session cookie or `Authorization: Bearer <API token>`), where cookie-authenticated mutations come
// from, per-token rate limits, and caps on body size and batch length, all checked before any
// procedure runs. Served by the web app's API server in production (apps/web/src/server/api-server.ts)
// and by its Next.js route handlers under `next dev`; both call `handleApiRequest` or the handlers below.
import type { ConnectorOptions } from "@inbox/connectors";
import { getPrisma, type PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { createOpenApiFetchHandler, generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { resolveApiToken, type ApiTokenPrincipal } from "../auth/api-tokens";
import { apiRateLimitFromEnv, TokenBucketLimiter, type RequestLimiter } from "../auth/rate-limit";
import type { JobQueue } from "../jobs/queues";
import type { LiveHub } from "../live/live-hub";
import { appRouter } from "../root";
import { requestInfoFromHeaders } from "../services/audit";
import { createTRPCContext, type ProcedureMeta } from "../trpc";
import { mutationOriginAllowed } from "./origin";
import { answerQueries, queryCallsOf, type PlainAnswer, type QueryRequest } from "./trpc-queries";

export type { PlainAnswer, QueryRequest } from "./trpc-queries";

/** Largest request body either API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most calls one tRPC batch request may carry (the typed client sends at most this many). */
export const MAX_BATCH_CALLS = 10;
export const TRPC_ENDPOINT = "/api/trpc";
export const REST_ENDPOINT = "/api/v1";
export const OPENAPI_DOCUMENT_PATH = "/api/openapi.json";

export interface ApiHttpOptions {
  /** The signed-in user of the request's session cookie; read only when no Authorization header is sent. */
  sessionUserId: () => Promise<string | null>;
  prisma?: PrismaClient;
  jobs?: JobQueue;
  connectorOptions?: ConnectorOptions;
  /** Per-token limits; one process-wide limiter from the environment by default. */
  limiter?: RequestLimiter;
  /** Where live-update subscriptions listen; the process-wide hub by default. */
  live?: LiveHub;
}

let defaultLimiter: TokenBucketLimiter | undefined;
function processLimiter() {
  return (defaultLimiter ??= new TokenBucketLimiter(apiRateLimitFromEnv()));
}

/** A refusal decided at the edge, before any procedure runs. */
class EdgeRefusal extends Error {
  constructor(
    readonly code: "UNAUTHORIZED" | "TOO_MANY_REQUESTS" | "PAYLOAD_TOO_LARGE" | "BAD_REQUEST",
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Reads at most MAX_BODY_BYTES; a longer body (declared or streamed) is refused with 413. */
async function readCappedBody(request: Request): Promise<string | null> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return null;
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = new EdgeRefusal("PAYLOAD_TOO_LARGE", 413, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
  if (declared > MAX_BODY_BYTES) throw tooLarge;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Caller {
  userId: string | null;
  apiToken: ApiTokenPrincipal | null;
}

/** A request's headers, read one by one (a Web `Headers` or Node's, through QueryRequest). */
type HeaderReader = Pick<Headers, "get">;

/** Session or bearer token; a present but unusable Authorization header is a 401, never a fallback to the cookie. */
async function identifyCaller(headers: HeaderReader, options: ApiHttpOptions, prisma: PrismaClient): Promise<Caller> {
  const authorization = headers.get("authorization");
  if (authorization === null) return { userId: await options.sessionUserId(), apiToken: null };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new EdgeRefusal("UNAUTHORIZED", 401, "Send the API token as `Authorization: Bearer <token>`.");
  try {
    const apiToken = await resolveApiToken(prisma, match[1]!, requestInfoFromHeaders(headers).ip);
    return { userId: apiToken.createdById, apiToken };
  } catch (error) {
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") throw new EdgeRefusal("UNAUTHORIZED", 401, error.message);
    throw error;
  }
}

async function rateLimit(caller: Caller, calls: number, limiter: RequestLimiter) {
  if (!caller.apiToken) return;
  const decision = await limiter.take(caller.apiToken.tokenId, calls);
  if (!decision.allowed) {
    throw new EdgeRefusal(
      "TOO_MANY_REQUESTS",
      429,
      `Too many requests for this API token (limit ${limiter.options.ratePerSecond}/s, burst ${limiter.options.burst}); retry in ${decision.retryAfterSeconds} s.`,
      { "retry-after": String(decision.retryAfterSeconds) },
    );
  }
}

function contextFor(headers: HeaderReader, caller: Caller, options: ApiHttpOptions) {
  return createTRPCContext({
    userId: caller.userId,
    apiToken: caller.apiToken,
    request: requestInfoFromHeaders(headers),
    // Unset, the context takes the process-wide client and with it the process-wide membership cache.
    prisma: options.prisma,
    jobs: options.jobs,
    connectorOptions: options.connectorOptions,
    live: options.live,
  });
}

function withBody(request: Request, body: string): Request {
  return new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
}

/** `/api/trpc/a.b,c.d?batch=1` → the procedure paths it calls. */
function trpcCallPaths(request: Request): string[] {
  const url = new URL(request.url);
  const joined = decodeURIComponent(url.pathname.slice(url.pathname.indexOf(TRPC_ENDPOINT) + TRPC_ENDPOINT.length + 1));
  return url.searchParams.get("batch") === "1" ? joined.split(",") : [joined];
}

/** A refusal in tRPC's own error format (superjson envelope), one per call of a batch. */
function trpcRefusal(refusal: EdgeRefusal, paths: string[], batch: boolean): PlainAnswer {
  const error = (path: string) => ({
    error: {
      json: {
        message: refusal.message,
        code: TRPC_ERROR_CODES_BY_KEY[refusal.code],
        data: { code: refusal.code, httpStatus: refusal.status, path },
      },
    },
  });
  const body = batch ? paths.map(error) : error(paths[0] ?? "");
  return { status: refusal.status, headers: { "content-type": "application/json", ...refusal.headers }, body: JSON.stringify(body) };
}

const responseOf = (answer: PlainAnswer) => new Response(answer.body, { status: answer.status, headers: answer.headers });

function logFailure(kind: string, path: string | undefined, error: TRPCError) {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`${kind} ${path ?? "?"} failed:`, error);
}

/**
 * A GET of tRPC queries (one, or a batch), answered without tRPC's fetch adapter after the same
 * checks as handleTrpcHttpRequest (http/trpc-queries.ts). Null for any other request, decided before
 * anything is read or run: the caller then hands it to handleTrpcHttpRequest. The API server calls
 * this with Node's request as it came, so a query never costs a Web Request and Response.
 */
export async function answerTrpcQueries(request: QueryRequest, options: ApiHttpOptions): Promise<PlainAnswer | null> {
  const queries = queryCallsOf(request, TRPC_ENDPOINT, MAX_BATCH_CALLS);
  if (!queries) return null;
  const headers: HeaderReader = { get: (name) => request.header(name) };
  let caller: Caller;
  try {
    caller = await identifyCaller(headers, options, options.prisma ?? getPrisma());
    await rateLimit(caller, queries.calls.length, options.limiter ?? processLimiter());
  } catch (error) {
    const paths = queries.calls.map((call) => call.path);
    if (error instanceof EdgeRefusal) return trpcRefusal(error, paths, queries.batch);
    throw error;
  }
  return answerQueries(queries, {
    ctx: contextFor(headers, caller, options),
    onError: (error, path) => logFailure("tRPC", path, error),
  });
}

export async function handleTrpcHttpRequest(request: Request, options: ApiHttpOptions): Promise<Response> {
  if (request.method === "GET") {
    const answer = await answerTrpcQueries({ url: new URL(request.url), header: (name) => request.headers.get(name) }, options);
    if (answer) return responseOf(answer);
  }
  // Mutations are POSTs; authenticated by the session cookie they must come from our own pages (CSRF).
  if (request.method === "POST" && !request.headers.has("authorization") && !mutationOriginAllowed(request)) {
    return Response.json(
      {
        error: {
          message: "This request comes from another site: cookie-authenticated changes are accepted only from the app's own pages.",
        },
      },
      { status: 403 },
    );
  }
  const prisma = options.prisma ?? getPrisma();
  const paths = trpcCallPaths(request);
  const batch = new URL(request.url).searchParams.get("batch") === "1";
  let body: string | null;
  let caller: Caller;
  try {
    if (paths.length > MAX_BATCH_CALLS) {
      throw new EdgeRefusal("BAD_REQUEST", 400, `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${paths.length}.`);
    }
    body = await readCappedBody(request);
    caller = await identifyCaller(request.headers, options, prisma);
    await rateLimit(caller, paths.length, options.limiter ?? processLimiter());
  } catch (error) {
    if (error instanceof EdgeRefusal) return responseOf(trpcRefusal(error, paths, batch));
    throw error;
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    // A request without a body was not read: it goes on as it came.
    req: body === null ? request : withBody(request, body),
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: () => contextFor(request.headers, caller, options),
    onError: ({ error, path }) => logFailure("tRPC", path, error),
  });
}

let restOutputsDescribed = false;
/**
 * trpc-to-openapi needs an output schema on every REST procedure. Ours return their services'
 * types and declare none, so responses are documented as JSON values. tRPC validates outputs in
 * a middleware added by `.output()`, never through `_def.output`, so this changes no behaviour.
 */
function restRouter() {
  if (!restOutputsDescribed) {
    for (const procedure of Object.values(appRouter._def.procedures)) {
      const def = (procedure as unknown as { _def: { meta?: ProcedureMeta; output?: unknown } })._def;
      if (def.meta?.openapi && !def.output)
        def.output = z.unknown().meta({ description: "JSON; fields as returned by the tRPC procedure of the same name." });
    }
    restOutputsDescribed = true;
  }
  return appRouter;
}

export async function handleRestHttpRequest(request: Request, options: ApiHttpOptions): Promise<Response> {
  const prisma = options.prisma ?? getPrisma();
  let body: string | null;
  let caller: Caller;
  try {
    body = await readCappedBody(request);
    caller = await identifyCaller(request.headers, options, prisma);
    await rateLimit(caller, 1, options.limiter ?? processLimiter());
  } catch (error) {
    if (error instanceof EdgeRefusal)
      return Response.json({ message: error.message, code: error.code }, { status: error.status, headers: error.headers });
    throw error;
  }
  return createOpenApiFetchHandler({
    endpoint: REST_ENDPOINT,
    req: body === null ? request : withBody(request, body),
    router: restRouter(),
    createContext: () => contextFor(request.headers, caller, options),
    onError: ({ error, path }: { error: TRPCError; path?: string }) => logFailure("REST", path, error),
  });
}

/** The OpenAPI 3 document of every procedure that has a REST route. */
export function openApiDocument(baseUrl: string) {
  return generateOpenApiDocument(restRouter(), {
    title: "Marketplace Inbox API",
    description:
      "Reviews, questions and chats from Wildberries, Ozon and Yandex Market in one inbox. Authenticate with `Authorization: Bearer <API token>` (an owner creates tokens on the seller's API page) or the app's session cookie.",
    version: "1.0.0",
    baseUrl: new URL(REST_ENDPOINT, baseUrl).toString(),
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "API token: inbox_…" } },
  });
}

const underEndpoint = (pathname: string, endpoint: string) => pathname === endpoint || pathname.startsWith(`${endpoint}/`);

/** Whether a path is the API's (tRPC, REST or the OpenAPI document) rather than a page's. */
export function isApiPath(pathname: string): boolean {
  return underEndpoint(pathname, TRPC_ENDPOINT) || underEndpoint(pathname, REST_ENDPOINT) || pathname === OPENAPI_DOCUMENT_PATH;
}

/** Any API request, by its path: what the route handlers under `app/api/{trpc,v1,openapi.json}` answer. */
export function handleApiRequest(request: Request, options: ApiHttpOptions): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (underEndpoint(pathname, TRPC_ENDPOINT)) {
    if (request.method !== "GET" && request.method !== "POST") return Promise.resolve(methodNotAllowed("GET, POST"));
    return handleTrpcHttpRequest(request, options);
  }
  if (underEndpoint(pathname, REST_ENDPOINT)) return handleRestHttpRequest(request, options);
  if (pathname === OPENAPI_DOCUMENT_PATH) {
    if (request.method !== "GET" && request.method !== "HEAD") return Promise.resolve(methodNotAllowed("GET, HEAD"));
    return Promise.resolve(Response.json(openApiDocument(new URL(request.url).origin)));
  }
  return Promise.resolve(Response.json({ message: "No such API route." }, { status: 404 }));
}

function methodNotAllowed(allow: string) {
  return new Response(null, { status: 405, headers: { Allow: allow } });
}
