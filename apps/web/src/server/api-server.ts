// The API in production: /api/trpc, /api/v1 and /api/openapi.json answered by a plain Node handler
// in front of Next.js's request handler (scripts/server.ts), so an API call skips Next.js's routing,
// proxy and route-handler pipeline (docs/performance.md, "HTTP and rendering"). These paths get what
// they got under Next.js: the same @inbox/api handlers with the session cookie's user, the headers
// and the session's sliding expiry of src/proxy.ts, gzip for clients that ask for it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { constants as zlibConstants, gzipSync } from "node:zlib";
import { answerTrpcQueries, handleApiRequest, isApiPath } from "@inbox/api";
import type { RequestLimiter } from "@inbox/api/rate-limit";
import { apiSecurityHeaders } from "../security-headers";
import { publicUrlIsHttps } from "./session-policy";
import { renewedSessionCookie, serializeSessionCookie } from "./session-refresh";
import { parseCookieHeader } from "./session-token";
import { authSecret, currentSessionUserId, sessionClaimsOf } from "./session-user";

/** Smaller bodies go out as they are: gzip would save a few bytes for a deflate stream's cost. */
const GZIP_MIN_BYTES = 1024;

export interface ApiListenerOptions {
  /** The address the server listens on: requests' URLs are built on it, as Next.js builds them. */
  hostname: string;
  port: number;
  /** Per-token limits: shared by the server's processes (shared-limiter.ts); this process's own when unset. */
  limiter?: RequestLimiter;
}

/** Answers API requests and returns true; any other request is left alone (false) for Next.js. */
export type ApiListener = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createApiListener({ hostname, port, limiter }: ApiListenerOptions): ApiListener {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return async (req, res) => {
    // Next.js's request URL: its listening address, https when TLS ends here or at a proxy that says so.
    const https = Boolean((req.socket as TLSSocket).encrypted) || String(req.headers["x-forwarded-proto"] ?? "").includes("https");
    const url = new URL(req.url ?? "/", `${https ? "https" : "http"}://${host}:${port}`);
    if (!isApiPath(url.pathname)) return false;
    try {
      await answer(req, res, url, https, limiter);
    } catch (error) {
      console.error(`API ${req.method} ${url.pathname} failed:`, error);
      if (!res.headersSent) {
        const body = JSON.stringify({
          error: { message: "The server failed to answer. Try again; if it keeps failing, see the server's log." },
        });
        res.writeHead(500, { ...headersFor(https), "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      } else res.destroy();
    }
    return true;
  };
}

/**
 * The request body as a web stream. When the handler stops reading (a body over the cap) the rest is
 * drained and dropped rather than the request destroyed (what `Readable.toWeb` does on cancel), so
 * the answer goes out on a live connection.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (open) controller.close();
        });
        req.once("error", (error) => {
          if (open) controller.error(error);
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.removeAllListeners("data");
        req.resume();
      },
    },
    { highWaterMark: 4 },
  );
}

/** Live-update streams open on this server: ended at shutdown, so it can close (endEventStreams). */
const openStreams = new Set<ServerResponse>();
/** Set at shutdown: a stream asked for after it ends at once, and its client resumes elsewhere. */
let streamsEnded = false;

/**
 * A server-sent event stream (live.events): each event is written as it comes, never buffered or
 * compressed, and the stream is cancelled when the client goes away (the subscription then ends and
 * leaves the process's listener).
 */
async function streamEvents(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: ReadableStream<Uint8Array>,
) {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  // Small events must leave at once, not wait for Nagle's algorithm to fill a packet.
  req.socket.setNoDelay(true);
  // `no-transform` and `X-Accel-Buffering: no` keep compressing or buffering proxies out of the way.
  res.writeHead(status, { ...headers, "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
  if (streamsEnded) {
    cancel();
    res.end();
    return;
  }
  res.flushHeaders();
  res.once("close", cancel);
  openStreams.add(res);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    }
  } finally {
    openStreams.delete(res);
    res.off("close", cancel);
    if (!res.writableEnded) res.end();
  }
}

/** Ends every open event stream (clients reconnect elsewhere and resume from their last event). */
export function endEventStreams() {
  streamsEnded = true;
  for (const res of openStreams) {
    res.end();
    res.socket?.end(); // a kept-alive connection would otherwise hold the closing server open
  }
}

/** The security headers of src/proxy.ts, with the API's own policy (security-headers.ts). */
function headersFor(https: boolean): Readonly<Record<string, string>> {
  return apiSecurityHeaders(https || publicUrlIsHttps());
}

/**
 * A header as Web `Headers.get` reads it, from the raw headers: repeated ones joined with ", ", null
 * when absent. (`req.headers` keeps only the first of a repeated Authorization or User-Agent, so two
 * bearer tokens would pass as the first instead of being refused.)
 */
function headerOf(req: IncomingMessage, name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === name) value = value === null ? req.rawHeaders[i + 1]! : `${value}, ${req.rawHeaders[i + 1]!}`;
  }
  return value;
}

/** The request as a Web Request for the fetch handlers, aborted when the client goes away. */
function webRequestOf(req: IncomingMessage, res: ServerResponse, url: URL): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const aborted = new AbortController();
  res.once("close", () => {
    // A stream ended by endEventStreams finished writing, but its subscription must stop too.
    if (!res.writableFinished || openStreams.has(res)) aborted.abort();
  });
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? bodyStream(req) : null,
    signal: aborted.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function answer(req: IncomingMessage, res: ServerResponse, url: URL, https: boolean, limiter: RequestLimiter | undefined) {
  if (streamsEnded && req.headers.accept === "text/event-stream") {
    // Shutting down: a live stream (EventSource asks so) ends before it starts and reconnects elsewhere.
    res.writeHead(200, { ...headersFor(https), "content-type": "text/event-stream", "cache-control": "no-cache" }).end();
    return;
  }
  // One decryption serves both the caller's identity and the session's renewal.
  const cookies = parseCookieHeader(req.headers.cookie);
  const claims = cookies.length > 0 ? sessionClaimsOf(cookies) : null;
  const options = { sessionUserId: () => currentSessionUserId(claims), limiter };
  // tRPC queries by GET are answered from Node's request as it came; everything else as a Web Request.
  const queries = req.method === "GET" ? await answerTrpcQueries({ url, header: (name) => headerOf(req, name) }, options) : null;
  const response = queries ? null : await handleApiRequest(webRequestOf(req, res, url), options);
  const renewed = claims ? await renewedSessionCookie(claims, authSecret()) : null;

  const outgoing: Record<string, string | string[]> = {};
  if (queries) Object.assign(outgoing, queries.headers);
  response?.headers.forEach((value, name) => {
    if (name !== "set-cookie") outgoing[name] = value;
  });
  Object.assign(outgoing, headersFor(https));
  const setCookies = [...(response?.headers.getSetCookie() ?? []), ...(renewed ? [serializeSessionCookie(renewed)] : [])];
  if (setCookies.length > 0) outgoing["set-cookie"] = setCookies;
  if (response?.body && response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await streamEvents(req, res, response.status, outgoing, response.body);
    return;
  }

  const status = queries ? queries.status : response!.status;
  let body: Buffer = queries ? Buffer.from(queries.body) : Buffer.from(await response!.arrayBuffer());
  if (body.length >= GZIP_MIN_BYTES && !outgoing["content-encoding"]) {
    outgoing.vary = outgoing.vary ? `${outgoing.vary as string}, Accept-Encoding` : "Accept-Encoding";
    if (/\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
      // The fastest level, in one synchronous call: a JSON page shrinks nearly as much as at the
      // default level for a fraction of the CPU, and zlib's async API costs ten times more on the
      // event loop than the compression itself (measured: docs/performance.md).
      body = gzipSync(body, { level: zlibConstants.Z_BEST_SPEED });
      outgoing["content-encoding"] = "gzip";
    }
  }
  outgoing["content-length"] = String(body.length);
  // Status line, headers and body in one write.
  res.writeHead(status, outgoing);
  res.end(req.method === "HEAD" ? undefined : body);
}
