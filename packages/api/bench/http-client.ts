// The bench's HTTP client: signs in through next-auth's credentials flow and calls tRPC and pages
// with the session cookie, as a browser would (keep-alive, gzip asked for and undone).
//
// It runs on the same two cores as the app and PostgreSQL, so its own CPU is taken from theirs:
// Node's fetch (undici, WHATWG streams) cost the load driver 1.5–2.2 ms per call at concurrency 16,
// node:http with a keep-alive agent 0.3–0.6 ms (docs/performance.md, "The load driver"). The calls
// go over the same loopback TCP either way; only the driver's cost changed.
import http from "node:http";
import { gunzipSync } from "node:zlib";
import type { BenchUser } from "./seed";
import { NothingMeasuredError } from "./sync";

interface Answer {
  status: number;
  body: string;
}

export interface BenchSession {
  /** A tRPC query (GET, superjson's wire shape); any status but 200 stops the bench. */
  trpc<T>(procedure: string, input?: unknown): Promise<T>;
  /**
   * The same call with its answer read but not decoded: for the concurrency-16 loops, whose answers
   * the checked calls before them (warm-up, concurrency 1) have already shown to hold data. Decoding
   * a 30-item page (gunzip, JSON.parse) cost the driver ~0.7 ms per call, taken from the app's cores.
   */
  trpcAnswered(procedure: string, input?: unknown): Promise<void>;
  /** A page: time to its first body byte, then to its last (it streams until its data is rendered). */
  page(pathname: string): Promise<{ firstByteMs: number; completeMs: number }>;
}

export async function signIn(baseUrl: string, user: BenchUser): Promise<BenchSession> {
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const callback = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrfResponse).join("; ") },
    body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, json: "true" }),
  });
  const session = cookiesOf(callback).find((cookie) => cookie.startsWith("next-auth.session-token="));
  if (!session) throw new NothingMeasuredError(`sign-in failed (HTTP ${callback.status}): no session cookie`);

  const agent = new http.Agent({ keepAlive: true });
  const headers = { cookie: session, "accept-encoding": "gzip" };

  function get(pathname: string, decode: boolean): Promise<Answer> {
    return new Promise((resolve, reject) => {
      http
        .get(`${baseUrl}${pathname}`, { agent, headers }, (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => {
            if (decode || status !== 200) chunks.push(chunk);
          });
          response.on("error", reject);
          response.on("end", () => {
            const raw = Buffer.concat(chunks);
            const body = response.headers["content-encoding"] === "gzip" && raw.length > 0 ? gunzipSync(raw) : raw;
            resolve({ status, body: body.toString("utf8") });
          });
        })
        .on("error", reject);
    });
  }
  const trpcPath = (procedure: string, input: unknown) =>
    `/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`;

  return {
    async trpc<T>(procedure: string, input?: unknown): Promise<T> {
      const { status, body } = await get(trpcPath(procedure, input), true);
      if (status !== 200) throw new NothingMeasuredError(`${procedure} answered HTTP ${status}: ${body.slice(0, 300)}`);
      return (JSON.parse(body) as { result: { data: { json: T } } }).result.data.json;
    },
    async trpcAnswered(procedure: string, input?: unknown): Promise<void> {
      const { status, body } = await get(trpcPath(procedure, input), false);
      if (status !== 200) throw new NothingMeasuredError(`${procedure} answered HTTP ${status}: ${body.slice(0, 300)}`);
    },
    page(pathname: string) {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        http
          .get(`${baseUrl}${pathname}`, { agent, headers }, (response) => {
            let firstByteMs: number | undefined;
            response.on("data", () => (firstByteMs ??= performance.now() - started));
            response.on("error", reject);
            response.on("end", () => {
              if (response.statusCode !== 200 || firstByteMs === undefined)
                reject(new NothingMeasuredError(`${pathname} answered HTTP ${response.statusCode}`));
              else resolve({ firstByteMs, completeMs: performance.now() - started });
            });
          })
          .on("error", reject);
      });
    },
  };
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
}
