// The production server's shutdown (scripts/server.ts): gracefulClose and endEventStreams over real
// HTTP, with keep-alive clients as browsers hold them. The server must close once the answers under
// way are out, not after its 65 s keep-alive timeout, and no connection may take a new request or
// open a new live stream in the meantime (a second app instance stopped in a browser test hung so).
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { closeLiveHub, closeMembershipCache } from "@inbox/api";
import { getPrisma } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiListener, endEventStreams } from "../src/server/api-server";
import { gracefulClose } from "../src/server/graceful-close";
import { SESSION_IDLE_MAX_AGE_S } from "../src/server/session-policy";

const SECRET = "server-shutdown-test-secret-0123456789abcdef";
const database = useTestDatabase();
let cookie: string;

/** Resolves what the server's handler waits on, so the test decides when an answer ends. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

interface TestServer {
  base: string;
  closing: ReturnType<typeof gracefulClose>;
  /** Resolves with each request the fallback handler (not the API) receives. */
  arrived: Promise<void>;
  /** The fallback handler's answer ends when this opens; with `streamed`, its headers go out first. */
  release: ReturnType<typeof gate>;
}

async function startServer(options: { streamed?: boolean } = {}): Promise<TestServer> {
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  const closing = gracefulClose(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const api = createApiListener({ hostname: "127.0.0.1", port });
  const arrival = gate();
  const release = gate();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    void api(req, res).then(async (handled) => {
      if (handled) return;
      if (options.streamed) res.writeHead(200, { "content-type": "text/plain" }).write("first part, ");
      arrival.open();
      await release.opened;
      res.end("last part");
    });
  });
  return { base: `http://127.0.0.1:${port}`, closing, arrived: arrival.opened, release };
}

interface Answer {
  status: number;
  connection: string | undefined;
  contentType: string | undefined;
  body: string;
}

function get(url: string, agent: http.Agent, headers: Record<string, string> = {}) {
  let answered!: (response: http.IncomingMessage) => void;
  const headersIn = new Promise<http.IncomingMessage>((resolve) => (answered = resolve));
  let ready!: () => void;
  const liveReady = new Promise<void>((resolve) => (ready = resolve));
  const done = new Promise<Answer>((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        answered(response);
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => {
          body += part;
          if (body.includes('"kind":"ready"')) ready();
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            contentType: response.headers["content-type"],
            body,
          }),
        );
      })
      .on("error", reject);
  });
  return { headersIn, liveReady, done };
}

const liveEventsPath = `/api/trpc/live.events?${new URLSearchParams({ input: JSON.stringify({ json: {} }) })}`;

beforeAll(async () => {
  process.env.DATABASE_URL = database().url;
  process.env.NEXTAUTH_SECRET = SECRET;
  delete process.env.NEXTAUTH_URL;
  const { prisma } = database();
  const user = await prisma.user.create({ data: { email: "pavel@server-shutdown.test", name: "Павел", passwordHash: "unused" } });
  const seller = await prisma.seller.create({ data: { name: "Закат" } });
  await prisma.membership.create({ data: { userId: user.id, sellerId: seller.id, role: "OWNER" } });
  const token = await encode({ token: { sub: user.id, sv: 0 }, secret: SECRET, maxAge: SESSION_IDLE_MAX_AGE_S });
  cookie = `next-auth.session-token=${token}`;
});

afterAll(async () => {
  // The LISTEN connections (streams, membership cache), before the test database goes away under them.
  await Promise.all([closeLiveHub(), closeMembershipCache()]);
  await getPrisma().$disconnect();
});

describe("closing the production server", () => {
  it("ends a connection busy at close with its answer, so the client's next request cannot reuse it", async () => {
    const server = await startServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const busy = get(`${server.base}/page`, agent);
    await server.arrived;
    const closed = server.closing.close();
    server.release.open();
    const answer = await busy.done;
    expect(answer).toMatchObject({ status: 200, connection: "close", body: "last part" });
    await closed; // before this change, only after the 65 s keep-alive timeout
    await expect(get(`${server.base}/page`, agent).done).rejects.toMatchObject({ code: "ECONNREFUSED" });
    agent.destroy();
  });

  it("ends a connection whose streamed answer had sent its headers before close, once the answer is complete", async () => {
    const server = await startServer({ streamed: true });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const busy = get(`${server.base}/page`, agent);
    expect((await busy.headersIn).headers.connection).toBe("keep-alive");
    const closed = server.closing.close();
    server.release.open();
    expect(await busy.done).toMatchObject({ status: 200, body: "first part, last part" });
    await closed;
    agent.destroy();
  });

  it("serves no request pipelined on a connection after close", async () => {
    const server = await startServer();
    const socket = net.connect(Number(new URL(server.base).port), "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8").on("data", (part: string) => (received += part));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    const request = "GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    socket.write(request);
    await server.arrived;
    const closed = server.closing.close();
    socket.write(request); // sent by a client that had not seen the close yet
    server.release.open();
    await ended;
    expect(received.match(/^HTTP\/1\.1 200/gm)).toHaveLength(1);
    expect(received).toMatch(/^Connection: close\r$/im);
    await closed;
  });

  // Last: endEventStreams ends live streams for the whole process.
  it("ends the live streams open at shutdown, and a stream asked for afterwards ends at once", async () => {
    const server = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    const stream = get(`${server.base}${liveEventsPath}`, agent, { cookie, accept: "text/event-stream" });
    expect((await stream.headersIn).headers["content-type"]).toMatch(/^text\/event-stream/);
    // The subscription is set up (memberships read, listening) once its "ready" event arrives.
    await stream.liveReady;
    const closed = server.closing.close();
    endEventStreams();
    expect((await stream.done).status).toBe(200);
    await closed;

    // Another server of the same process (as a request on a connection still open would be).
    const other = await startServer();
    const late = await get(`${other.base}${liveEventsPath}`, agent, { cookie, accept: "text/event-stream" }).done;
    expect(late).toMatchObject({ status: 200, body: "" });
    expect(late.contentType).toMatch(/^text\/event-stream/);
    await other.closing.close();
    agent.destroy();
  });
});
