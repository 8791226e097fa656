// The connectors' default transport (node:http) against a real local server: what fetch did for
// them (decoding, redirects left alone, multipart bodies, keep-alive) it must still do.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MarketplaceHttpClient, RedirectRefusedError, UpstreamError } from "../src/core/index";
import { nodeTransport, type WireRequest } from "../src/core/transport";

const JSON_BODY = JSON.stringify({ text: "Отличный товар", n: 1 });
const connections = new Set<unknown>();
let redirectTargetHits = 0;
let cutRequests = 0;
/** Resolved when /slow-body has sent its first byte. */
let slowBodyStarted: () => void = () => {};
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = new URL(req.url!, "http://x").pathname;
    const body = Buffer.from(JSON_BODY);
    switch (route) {
      case "/gzip":
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(zlib.gzipSync(body));
        return;
      case "/deflate":
        res.writeHead(200, { "content-encoding": "deflate" }).end(zlib.deflateSync(body));
        return;
      case "/deflate-raw":
        res.writeHead(200, { "content-encoding": "deflate" }).end(zlib.deflateRawSync(body));
        return;
      case "/br":
        res.writeHead(200, { "content-encoding": "br" }).end(zlib.brotliCompressSync(body));
        return;
      case "/gzip-then-br":
        res.writeHead(200, { "content-encoding": "gzip, br" }).end(zlib.brotliCompressSync(zlib.gzipSync(body)));
        return;
      case "/bad-gzip":
        res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all");
        return;
      case "/bom":
        res.writeHead(200, { "content-type": "application/json" }).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]));
        return;
      case "/redirect":
        res.writeHead(302, { location: "/target" }).end("moved");
        return;
      case "/target":
        redirectTargetHits += 1;
        res.end(JSON_BODY);
        return;
      case "/headers":
        res.writeHead(200, [
          ["x-part", "a"],
          ["x-part", "b"],
        ]);
        res.end();
        return;
      case "/echo": {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () =>
          res.end(
            JSON.stringify({
              method: req.method,
              contentType: req.headers["content-type"],
              contentLength: req.headers["content-length"],
              acceptEncoding: req.headers["accept-encoding"],
              userAgent: req.headers["user-agent"],
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          ),
        );
        return;
      }
      case "/cut":
        cutRequests += 1;
        // Promises more than it sends, then drops the connection.
        res.writeHead(200, { "content-length": "1000" });
        res.write('{"partial":');
        setImmediate(() => res.socket?.destroy());
        return;
      case "/slow-body":
        res.writeHead(200, { "content-length": "1000" });
        res.write("{", () => slowBodyStarted());
        return; // never ends: the caller's signal must end it
      default:
        res.writeHead(404).end();
    }
  });
  server.on("connection", (socket) => connections.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (path: string, extra: Partial<WireRequest> = {}) =>
  nodeTransport({ method: "GET", url: `${base}${path}`, headers: {}, signal: new AbortController().signal, ...extra });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("node transport", () => {
  it.each(["/gzip", "/deflate", "/deflate-raw", "/br", "/gzip-then-br"])("undoes the %s content encoding", async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(JSON.parse(text(response.body))).toEqual(JSON.parse(JSON_BODY));
  });

  it("asks for the encodings it can undo, and sends a JSON body with its length", async () => {
    const payload = JSON.stringify({ отзыв: "ок" });
    const response = await nodeTransport({
      method: "POST",
      url: `${base}/echo`,
      headers: { "content-type": "application/json" },
      body: payload,
      signal: new AbortController().signal,
    });
    const echoed = JSON.parse(text(response.body)) as Record<string, string>;
    expect(echoed).toMatchObject({
      method: "POST",
      contentType: "application/json",
      body: payload,
      acceptEncoding: "gzip, deflate, br",
      userAgent: "MarketplaceInbox-connectors",
    });
    expect(Number(echoed.contentLength)).toBe(Buffer.byteLength(payload));
  });

  it("sends a FormData body as multipart/form-data with its boundary", async () => {
    const form = new FormData();
    form.append("message", "Здравствуйте");
    form.append("file", new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }), "photo.png");
    const response = await nodeTransport({
      method: "POST",
      url: `${base}/echo`,
      headers: {},
      body: form,
      signal: new AbortController().signal,
    });
    const echoed = JSON.parse(text(response.body)) as { contentType: string; body: string };
    const boundary = /boundary=(.+)$/.exec(echoed.contentType)?.[1];
    expect(echoed.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(echoed.body).toContain(`--${boundary}`);
    expect(echoed.body).toContain('name="message"');
    expect(echoed.body).toContain("Здравствуйте");
    expect(echoed.body).toContain('filename="photo.png"');
  });

  it("reports a redirect without following it", async () => {
    const response = await get("/redirect");
    expect(response).toMatchObject({ status: 302, redirect: true });
    expect(response.headers.get("location")).toBe("/target");
    expect(redirectTargetHits).toBe(0);
  });

  it("joins repeated response headers as fetch's Headers does", async () => {
    expect((await get("/headers")).headers.get("x-part")).toBe("a, b");
  });

  it("reuses one kept-alive connection for requests one after another", async () => {
    await get("/gzip");
    const before = connections.size;
    for (let i = 0; i < 5; i += 1) await get("/gzip");
    expect(connections.size).toBe(before);
  });

  it("fails when the connection drops before the body's end", async () => {
    await expect(get("/cut")).rejects.toThrow();
  });

  it("fails when the body cannot be decoded", async () => {
    await expect(get("/bad-gzip")).rejects.toThrow(/gzip body could not be decoded/);
  });

  it("stops reading when the caller's signal aborts mid-body", async () => {
    const controller = new AbortController();
    const started = new Promise<void>((resolve) => (slowBodyStarted = resolve));
    const pending = get("/slow-body", { signal: controller.signal });
    await started;
    controller.abort(new Error("timeout"));
    await expect(pending).rejects.toThrow();
  });

  it("fails when the connection closes without a response Node hands over (101)", async () => {
    const raw = net.createServer((socket) =>
      socket.once("data", () => socket.end("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")),
    );
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`;
      await expect(nodeTransport({ method: "GET", url, headers: {}, signal: new AbortController().signal })).rejects.toThrow(
        /closed without a response/,
      );
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it("refuses a protocol other than http and https", async () => {
    await expect(get("", { url: "ftp://example.test/x" })).rejects.toThrow(/unsupported protocol ftp:/);
  });
});

describe("MarketplaceHttpClient over the node transport", () => {
  const clientFor = (timeoutMs = 30_000) =>
    new MarketplaceHttpClient({
      marketplace: "test",
      defaultBaseUrl: base,
      credentialKey: "transport-test",
      rateLimit: { capacity: 5, refillPerSecond: 5 },
      options: { rateLimit: false, maxRetries: 0, timeoutMs },
    });
  const schema = z.object({ text: z.string(), n: z.number() });

  it("parses a body that starts with a byte-order mark, as fetch's text() would", async () => {
    const { data } = await clientFor().request({ method: "GET", path: "/bom", schema });
    expect(data).toEqual({ text: "Отличный товар", n: 1 });
  });

  it("refuses a redirect without following it", async () => {
    const hits = redirectTargetHits;
    await expect(clientFor().request({ method: "GET", path: "/redirect", schema })).rejects.toThrow(RedirectRefusedError);
    expect(redirectTargetHits).toBe(hits);
  });

  it("does not repeat a one-time write whose connection dropped mid-answer", async () => {
    const client = new MarketplaceHttpClient({
      marketplace: "test",
      defaultBaseUrl: base,
      credentialKey: "transport-test-once",
      rateLimit: { capacity: 5, refillPerSecond: 5 },
      options: { rateLimit: false, maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 2 },
    });
    const before = cutRequests;
    await expect(client.request({ method: "POST", path: "/cut", json: { text: "ответ" }, once: true, schema })).rejects.toThrow(
      UpstreamError,
    );
    expect(cutRequests - before).toBe(1);
  });

  it("times out a body that never ends", async () => {
    await expect(clientFor(100).request({ method: "GET", path: "/slow-body", schema })).rejects.toThrow(UpstreamError);
  });
});
