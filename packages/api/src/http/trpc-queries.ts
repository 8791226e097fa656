// tRPC queries sent by GET (one, or a batch as httpBatchLink sends them), run without tRPC's fetch
// adapter. The adapter wraps every call in a Web Request and Response, abort signals linked per
// call and a Headers object; for a query that is more CPU than the procedure's own work (a
// `seller.list` answered 2.5 times faster without it: docs/performance.md, "tRPC queries without the
// fetch adapter"). The answer is the adapter's, byte for byte (trpc-queries.test.ts compares them):
// the same procedures, context, error shapes, HTTP statuses and headers, built with tRPC's public
// helpers. Anything else — mutations, subscriptions, streaming batches, connection params, an unknown
// procedure, input that is not JSON — is recognised before anything runs and left to the adapter.
import { getTRPCErrorFromUnknown, getTRPCErrorShape, transformTRPCResponse, TRPCError, type AnyTRPCProcedure } from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { TRPCResponse } from "@trpc/server/rpc";
import { appRouter } from "../root";
import type { TRPCContext } from "../trpc";

/** The parts of a request a query batch is read from: no body, so no stream to wrap. */
export interface QueryRequest {
  url: URL;
  header(name: string): string | null;
}

/** A GET's query calls, and whether they came as a batch (answered as an array). */
export interface QueryCalls {
  batch: boolean;
  calls: QueryCall[];
}

export interface QueryCall {
  path: string;
  procedure: AnyTRPCProcedure;
  /** The call's input as sent (the transformer's JSON), undefined when none was. */
  input: unknown;
}

/** What answerQueries writes: as the fetch adapter's Response would carry it. */
export interface PlainAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const STREAM_REFUSAL = "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink";

/** The headers the adapter sets on every JSON answer. */
const JSON_ANSWER_HEADERS: Readonly<Record<string, string>> = { vary: "trpc-accept, accept", "content-type": "application/json" };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The query calls of a GET (the caller checks the method) to `<endpoint>/<path>[,<path>…]`, or null
 * when it is anything the fetch adapter must answer: a streaming or non-JSON request, a path that is
 * not a query procedure, input that does not parse, more calls than `maxCalls`.
 */
export function queryCallsOf(request: QueryRequest, endpoint: string, maxCalls: number): QueryCalls | null {
  const { url } = request;
  if (!url.pathname.startsWith(`${endpoint}/`)) return null;
  // JSON lines (httpBatchStreamLink, by either header) and connection params are the adapter's to
  // read and refuse; a content type on a GET is not what our clients send.
  const accept = request.header("accept");
  if (request.header("trpc-accept") !== null || accept?.split(",").some((type) => type.trim() === "application/jsonl")) return null;
  if (request.header("content-type") !== null || url.searchParams.has("connectionParams")) return null;
  const batch = url.searchParams.get("batch") === "1";
  let joined: string;
  try {
    joined = decodeURIComponent(url.pathname.slice(endpoint.length + 1));
  } catch {
    return null;
  }
  const paths = batch ? joined.split(",") : [joined];
  if (paths.length > maxCalls) return null;
  let inputs: unknown;
  try {
    const sent = url.searchParams.get("input");
    inputs = sent ? JSON.parse(sent) : undefined;
  } catch {
    return null;
  }
  if (batch && inputs !== undefined && !isObject(inputs)) return null;
  // Flat, by dotted path (no lazy routers here: every procedure is known when the router is built).
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure | undefined>;
  const calls: QueryCall[] = [];
  for (const [index, path] of paths.entries()) {
    const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    if (!procedure || procedure._def.type !== "query") return null;
    calls.push({ path, procedure, input: batch ? (inputs as Record<string, unknown> | undefined)?.[index] : inputs });
  }
  return { batch, calls };
}

export interface AnswerQueriesOptions {
  ctx: TRPCContext;
  /** Called with each call's failure, as the adapter's `onError`. */
  onError: (error: TRPCError, path: string | undefined) => void;
}

/** A stream-like result, which only a streaming batch can carry (the adapter refuses it the same way). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  const isAsyncIterable = (v: unknown) => isObject(v) && Symbol.asyncIterator in v;
  // Any thenable with catch, as tRPC's isPromise: a Prisma query is one too.
  const isPromise = (v: unknown) =>
    (isObject(v) || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function" &&
    typeof (v as { catch?: unknown }).catch === "function";
  return isAsyncIterable(value) || Object.values(value).some((field) => isPromise(field) || isAsyncIterable(field));
}

/** Runs the calls at once, as the adapter does, and answers as its Response would. */
export async function answerQueries({ batch, calls }: QueryCalls, { ctx, onError }: AnswerQueriesOptions): Promise<PlainAnswer> {
  const config = appRouter._def._config;
  // As the adapter: every call's input is deserialised together, on the first read, and a failure
  // there is a BAD_REQUEST of each call that reads it.
  let reading: Promise<unknown[]> | undefined;
  let inputs: unknown[] | undefined;
  const readInputs = async () => {
    reading ??= (async () => {
      try {
        return calls.map((call) => (call.input === undefined ? undefined : config.transformer.input.deserialize(call.input)));
      } catch (cause) {
        throw new TRPCError({ code: "BAD_REQUEST", message: cause instanceof Error ? cause.message : "Invalid input", cause });
      }
    })();
    return (inputs = await reading);
  };
  const outcomes = await Promise.all(
    calls.map(async (call, index): Promise<[TRPCError, undefined] | [undefined, unknown]> => {
      try {
        const data: unknown = await call.procedure({
          path: call.path,
          getRawInput: async () => (await readInputs())[index],
          ctx,
          type: "query",
          signal: undefined,
          batchIndex: index,
        });
        return [undefined, data];
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        onError(error, call.path);
        return [error, undefined];
      }
    }),
  );
  const responses = outcomes.map(([failure, data], index): TRPCResponse => {
    let error = failure;
    if (!error && isDataStream(data)) {
      const refusal = new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: STREAM_REFUSAL });
      // Outside a batch the adapter fails the whole request with it: reported, without a path or input.
      if (!batch) {
        onError(refusal, undefined);
        return { error: getTRPCErrorShape({ config, ctx, error: refusal, input: undefined, path: undefined, type: "query" }) };
      }
      error = refusal;
    }
    if (!error) return { result: { data } };
    const path = calls[index]!.path;
    return { error: getTRPCErrorShape({ config, ctx, error, input: inputs?.[index], path, type: "query" }) };
  });
  const untransformed = batch ? responses : responses[0]!;
  return {
    status: getHTTPStatusCode(untransformed),
    headers: { ...JSON_ANSWER_HEADERS },
    body: JSON.stringify(transformTRPCResponse(config, untransformed)),
  };
}
