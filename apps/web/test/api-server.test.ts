// The production API server (src/server/api-server.ts) over real HTTP on a random port, against a
// real database: it gives /api/trpc, /api/v1 and /api/openapi.json what Next.js's route handlers and
// src/proxy.ts gave them (session cookie, bearer tokens, origin check, caps, security headers, the
// session's sliding expiry), and leaves every other path to Next.js.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { closeMembershipCache, createApiToken } from "@inbox/api";
import { getPrisma } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiListener } from "../src/server/api-server";
import { SESSION_IDLE_MAX_AGE_S } from "../src/server/session-policy";
import { decryptSessionToken } from "../src/server/session-token";

const SECRET = "api-server-test-secret-0123456789abcdef";
const database = useTestDatabase();
const server = http.createServer();
let base: string;
let user: { id: string };
let sellerId: string;
let cookie: string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: () => unknown;
}

/** One request with Node's own client: no automatic decompression, chunked bodies when asked. */
function call(
  path: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string; chunks?: Buffer[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method: options.method ?? "GET", headers: options.headers }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        const body = Buffer.concat(parts);
        const text = () => (response.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(text()) as unknown });
      });
    });
    request.on("error", reject);
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end(options.body);
  });
}

const sessionCookie = async (claims: { sub: string; sv: number }) =>
  `next-auth.session-token=${await encode({ token: claims, secret: SECRET, maxAge: SESSION_IDLE_MAX_AGE_S })}`;

beforeAll(async () => {
  // The handlers reach the database through the process-wide client: this file's database.
  process.env.DATABASE_URL = database().url;
  process.env.NEXTAUTH_SECRET = SECRET;
  delete process.env.NEXTAUTH_URL;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  const api = createApiListener({ hostname: "127.0.0.1", port });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    void api(req, res).then((handled) => {
      if (!handled) res.writeHead(404, { "x-served-by": "next" }).end();
    });
  });

  const { prisma } = database();
  user = await prisma.user.create({ data: { email: "olga@api-server.test", name: "Olga", passwordHash: "unused" } });
  const seller = await prisma.seller.create({ data: { name: "Вектор" } });
  sellerId = seller.id;
  await prisma.membership.create({ data: { userId: user.id, sellerId, role: "OWNER" } });
  cookie = await sessionCookie({ sub: user.id, sv: 0 });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  // The membership cache's LISTEN connection, before the test database goes away under it.
  await closeMembershipCache();
  await getPrisma().$disconnect();
});

describe("who is calling", () => {
  it("answers a tRPC call as the session cookie's user, with the proxy's security headers and a policy that lets nothing run", async () => {
    const answer = await call("/api/trpc/seller.list", { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ result: { data: { json: [{ id: sellerId, role: "OWNER" }] } } });
    expect(answer.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    expect(answer.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(answer.headers["strict-transport-security"]).toBeUndefined();
  });

  it("sends HSTS when TLS ended at a proxy that says so", async () => {
    const answer = await call("/api/trpc/seller.list", { headers: { cookie, "x-forwarded-proto": "https" } });
    expect(answer.headers["strict-transport-security"]).toMatch(/^max-age=\d{7,}/);
  });

  it("answers 401 without a session, and never leaks a stack trace", async () => {
    const answer = await call("/api/trpc/seller.list");
    expect(answer.status).toBe(401);
    expect(answer.json()).toMatchObject({ error: { json: { message: "Sign in to continue.", data: { code: "UNAUTHORIZED" } } } });
    expect(answer.body.toString()).not.toContain("stack");
  });

  it("refuses a cookie from another secret", async () => {
    const foreign = `next-auth.session-token=${await encode({ token: { sub: user.id, sv: 0 }, secret: "another-secret", maxAge: 60 })}`;
    expect((await call("/api/trpc/seller.list", { headers: { cookie: foreign } })).status).toBe(401);
  });

  it("accepts an API token over tRPC and REST, and a bad token is a 401 even beside a good cookie", async () => {
    const { token } = await createApiToken(database().prisma, { sellerId, createdById: user.id, name: "ci", scopes: ["read"] });
    const trpc = await call("/api/trpc/seller.list", { headers: { authorization: `Bearer ${token}` } });
    expect(trpc.json()).toMatchObject({ result: { data: { json: [{ id: sellerId }] } } });
    const rest = await call("/api/v1/sellers", { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    expect(rest.json()).toEqual([expect.objectContaining({ id: sellerId })]);
    expect((await call("/api/trpc/seller.list", { headers: { cookie, authorization: "Bearer inbox_wrong" } })).status).toBe(401);
  });

  it("refuses two Authorization headers with 401, as one joined value, never as the first token alone", async () => {
    const { token } = await createApiToken(database().prisma, { sellerId, createdById: user.id, name: "twice", scopes: ["read"] });
    for (const path of ["/api/trpc/seller.list", "/api/trpc/seller.list?batch=1", "/api/v1/sellers"]) {
      const answer = await call(path, { headers: { authorization: [`Bearer ${token}`, "Bearer inbox_other"] } });
      expect(answer.status, path).toBe(401);
    }
  });
});

describe("cookie-authenticated mutations", () => {
  // No item: a call that passes the origin check ends at the procedure's input validation.
  const markRead = (headers: Record<string, string>) =>
    call("/api/trpc/inbox.markRead", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: {} }),
    });

  it("refuses another site's Origin with 403 and says why", async () => {
    const answer = await markRead({ origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ error: { message: expect.stringContaining("accepted only from the app's own pages") } });
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("lets the server's own origin through to the procedure", async () => {
    const answer = await markRead({ origin: base });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: { json: { data: { code: "BAD_REQUEST", path: "inbox.markRead" } } } });
  });
});

describe("request caps over the wire", () => {
  it("refuses a batch of 11 calls with 400", async () => {
    const answer = await call(`/api/trpc/${Array(11).fill("seller.list").join(",")}?batch=1`, { headers: { cookie } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json())).toContain("at most 10 calls");
  });

  it("answers 413 to a streamed (chunked) body over 1 MB", async () => {
    const answer = await call("/api/trpc/inbox.markRead", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: [Buffer.alloc(700 * 1024, 0x20), Buffer.alloc(700 * 1024, 0x20)],
    });
    expect(answer.status).toBe(413);
    expect(JSON.stringify(answer.json())).toContain("larger than 1 MB");
  });
});

describe("sliding session expiry", () => {
  it("re-issues a session token older than the refresh interval with the same claims", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 11 * 60 * 1000);
    const old = await sessionCookie({ sub: user.id, sv: 0 });
    vi.useRealTimers();
    const answer = await call("/api/trpc/seller.list", { headers: { cookie: old } });
    expect(answer.status).toBe(200);
    const [line] = answer.headers["set-cookie"] ?? [];
    expect(line).toMatch(
      new RegExp(`^next-auth\\.session-token=[^;]+; Path=/; Expires=[^;]+; Max-Age=${SESSION_IDLE_MAX_AGE_S}; HttpOnly; SameSite=lax$`),
    );
    const renewed = decryptSessionToken(decodeURIComponent(line!.split(";")[0]!.split("=")[1]!), SECRET);
    expect(renewed).toMatchObject({ sub: user.id, sv: 0 });
    expect(renewed!.iat).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it("sets no cookie on a recent session", async () => {
    expect((await call("/api/trpc/seller.list", { headers: { cookie } })).headers["set-cookie"]).toBeUndefined();
  });
});

describe("what goes out", () => {
  it("gzips a large answer for a client that asks, and sends a small one as it is", async () => {
    const document = await call("/api/openapi.json", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(document.status).toBe(200);
    expect(document.headers["content-encoding"]).toBe("gzip");
    expect(document.headers.vary).toContain("Accept-Encoding");
    expect(Number(document.headers["content-length"])).toBe(document.body.length);
    expect(document.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./), servers: [{ url: `${base}/api/v1` }] });

    const small = await call("/api/trpc/seller.list", { headers: { cookie, "accept-encoding": "gzip" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.headers.vary).toBe("trpc-accept, accept");
  });

  it("answers 405 to a method the OpenAPI document does not take", async () => {
    const answer = await call("/api/openapi.json", { method: "POST", body: "{}" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD");
  });

  it("leaves pages and other routes to Next.js", async () => {
    for (const path of ["/", "/api/health", "/api/auth/session", "/s/x", "/api/trpcx"]) {
      expect((await call(path)).headers["x-served-by"], path).toBe("next");
    }
  });
});
