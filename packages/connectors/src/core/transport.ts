// One HTTP exchange of a connector: a request out, the whole response back as bytes. By default over
// node:http/node:https with keep-alive agents. Node's fetch (undici behind WHATWG streams, a Request,
// Response, Headers and body stream per call) cost the sync worker about as much CPU as everything
// else it does: 1.5 s of a 10 000-review Ozon sync's 2.6 s (docs/performance.md, "Sync"). A
// `fetch` passed in the connector options (tests) is used instead.
import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | FormData;
  signal: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: Headers;
  /** 3xx (or a browser's opaque redirect): never followed, and its body is not read. */
  redirect: boolean;
  /** The decoded body; may be a view into a larger buffer (copy it to keep it). */
  body: Uint8Array;
}

export type Transport = (request: WireRequest) => Promise<WireResponse>;

// Idle connections are closed after 4 s (undici's default), or 1 s before the end of the server's
// shorter Keep-Alive hint, so a request does not go out on a connection the server is closing. A
// request in flight is bounded by the caller's signal, not by this.
const IDLE_SOCKET_MS = 4_000;
/** Per protocol: the client module and its kept-alive agent. */
const CLIENTS: Record<string, { client: typeof http | typeof https; agent: http.Agent }> = {
  "http:": { client: http, agent: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) },
  "https:": { client: https, agent: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) },
};

const USER_AGENT = "MarketplaceInbox-connectors";
/** The encodings this transport undoes, as fetch does. */
const ACCEPT_ENCODING = "gzip, deflate, br";

export const nodeTransport: Transport = async (request) => {
  const url = new URL(request.url);
  const via = CLIENTS[url.protocol];
  if (!via) throw new TypeError(`unsupported protocol ${url.protocol} in ${request.url}`);
  // fetch sent a User-Agent; firewalls in front of APIs may refuse requests without one.
  const headers: Record<string, string> = { "accept-encoding": ACCEPT_ENCODING, "user-agent": USER_AGENT, ...request.headers };
  let body: Buffer | undefined;
  if (typeof request.body === "string") body = Buffer.from(request.body);
  else if (request.body) {
    // multipart/form-data with its boundary, encoded as fetch would encode it.
    const encoded = new Response(request.body);
    body = Buffer.from(await encoded.arrayBuffer());
    headers["content-type"] = encoded.headers.get("content-type")!;
  }
  if (body) headers["content-length"] = String(body.length);
  return exchange(via.client, url, { method: request.method, headers, signal: request.signal, agent: via.agent }, body);
};

function exchange(
  client: typeof http | typeof https,
  url: URL,
  options: http.RequestOptions,
  body: Buffer | undefined,
): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    const request = client.request(url, options, (response) => {
      const status = response.statusCode ?? 0;
      const responseHeaders = new Headers();
      for (let i = 0; i < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      if (status >= 300 && status < 400) {
        response.destroy();
        resolve({ status, headers: responseHeaders, redirect: true, body: new Uint8Array() });
        return;
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("error", reject);
      // A connection that closes before the body's end (a reset, an abort) leaves the outcome unknown.
      response.once("close", () => {
        if (!response.complete) reject(new Error("the connection closed before the response ended"));
      });
      response.once("end", () => {
        try {
          const bytes = decoded(Buffer.concat(chunks), response.headers["content-encoding"]);
          resolve({
            status,
            headers: responseHeaders,
            redirect: false,
            body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          });
        } catch (error) {
          reject(
            new Error(`the response's ${response.headers["content-encoding"]} body could not be decoded: ${(error as Error).message}`),
          );
        }
      });
    });
    request.once("error", reject);
    // Closed without a response and without an error (a 101 answer, which Node drops): settled here,
    // or the attempt would hold its rate-limit slot for ever. After a response this does nothing.
    request.once("close", () => reject(new Error("the connection closed without a response")));
    request.end(body);
  });
}

/** The body with its content codings undone, the last one applied first (RFC 9110, 8.4). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (body.length === 0 || !encoding) return body;
  const codings = encoding
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding && coding !== "identity");
  return codings.reduceRight(undoCoding, body);
}

function undoCoding(body: Buffer, coding: string): Buffer {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return zlib.gunzipSync(body);
    case "deflate":
      // Servers send zlib-wrapped or raw deflate under the same name.
      try {
        return zlib.inflateSync(body);
      } catch {
        return zlib.inflateRawSync(body);
      }
    case "br":
      return zlib.brotliDecompressSync(body);
    default:
      throw new Error(`unknown content coding ${coding}`);
  }
}

/** A fetch implementation (the `fetch` connector option) as a transport. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: "manual",
    });
    if ((response.status >= 300 && response.status < 400) || response.type === "opaqueredirect") {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, redirect: true, body: new Uint8Array() };
    }
    return { status: response.status, headers: response.headers, redirect: false, body: new Uint8Array(await response.arrayBuffer()) };
  };
}
