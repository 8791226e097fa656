// Review findings 1 and 9: a custom marketplace base URL cannot turn the server into a proxy (only
// marketplace API hosts or a loopback sandbox; redirects refused; the upstream's body never reaches
// the user), and credentials are checked against the connectors' schemas before any call or save.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../src/jobs/queues";
import { createCaller, createTRPCContext } from "../src/index";
import { baseUrlRefusal } from "../src/sync/account-connector";
import { addMember, createUser } from "./fixtures";
import { RecordingJobQueue } from "./support/recording-job-queue";

const database = useTestDatabase();
const noJobs: JobQueue = new RecordingJobQueue();
const UPSTREAM_SECRET = "INTERNAL-ADMIN-PAGE-DO-NOT-LEAK";

/** A local host that records every request and answers with `respond`. */
async function localHost(respond: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? "");
    respond(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let internal: Awaited<ReturnType<typeof localHost>>;
let redirecting: Awaited<ReturnType<typeof localHost>>;
let failing: Awaited<ReturnType<typeof localHost>>;
let owner: { id: string };
let sellerId: string;

beforeAll(async () => {
  internal = await localHost((_request, response) => response.end(UPSTREAM_SECRET));
  redirecting = await localHost((_request, response) => {
    response.writeHead(302, { location: `${internal.url}/latest/meta-data/` });
    response.end();
  });
  failing = await localHost((_request, response) => {
    response.writeHead(500, { "content-type": "text/html" });
    response.end(`<html>${UPSTREAM_SECRET}</html>`);
  });
  const { prisma } = database();
  owner = await createUser(prisma, "Olga");
  sellerId = (await prisma.seller.create({ data: { name: "Hosts" } })).id;
  await addMember(prisma, owner.id, sellerId, "OWNER");
});
afterAll(async () => {
  await Promise.all([internal.close(), redirecting.close(), failing.close()]);
});

function caller(prisma: PrismaClient) {
  return createCaller(createTRPCContext({ userId: owner.id, prisma, jobs: noJobs, connectorOptions: { maxRetries: 0, rateLimit: false } }));
}

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("custom base URLs", () => {
  it("allow only marketplace API hosts over https, or a loopback sandbox", () => {
    expect(baseUrlRefusal("https://feedbacks-api.wildberries.ru")).toBeNull();
    expect(baseUrlRefusal("https://api-seller.ozon.ru")).toBeNull();
    expect(baseUrlRefusal("https://api.partner.market.yandex.ru")).toBeNull();
    expect(baseUrlRefusal("http://127.0.0.1:4010")).toBeNull();
    expect(baseUrlRefusal("http://localhost:4010")).toBeNull();
    for (const refused of [
      "http://169.254.169.254/latest/meta-data/",
      "https://api-seller.ozon.ru.evil.example",
      "http://feedbacks-api.wildberries.ru",
      "https://feedbacks-api.wildberries.ru:8443",
      "https://user:pass@api-seller.ozon.ru",
      "http://10.0.0.5:5432",
      "file:///etc/passwd",
    ]) {
      expect(baseUrlRefusal(refused), refused).not.toBeNull();
    }
  });

  it("are refused when an account is created with another host, and nothing is called or stored", async () => {
    const { prisma } = database();
    const error = await failure(
      caller(prisma).account.create({
        sellerId,
        marketplace: "wildberries",
        displayName: "Metadata",
        credentials: { apiToken: "x".repeat(40) },
        baseUrls: { "*": "http://169.254.169.254/latest/" },
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/The API address must use https for a marketplace host/);
    expect(await prisma.marketplaceAccount.count({ where: { sellerId } })).toBe(0);
  });

  it("never follow a redirect: the target is not called and the user gets a clear error", async () => {
    const { prisma } = database();
    const error = await failure(
      caller(prisma).account.create({
        sellerId,
        marketplace: "wildberries",
        displayName: "Redirect",
        credentials: { apiToken: "x".repeat(40) },
        baseUrls: { "*": redirecting.url },
      }),
    );
    expect(redirecting.hits.length).toBeGreaterThan(0);
    expect(internal.hits).toEqual([]);
    expect(error.message).toMatch(/Could not reach the marketplace/);
    expect(await prisma.marketplaceAccount.count({ where: { sellerId } })).toBe(0);
  });

  it("never echo the upstream's body to the user", async () => {
    const { prisma } = database();
    const error = await failure(
      caller(prisma).account.create({
        sellerId,
        marketplace: "wildberries",
        displayName: "Failing",
        credentials: { apiToken: "x".repeat(40) },
        baseUrls: { "*": failing.url },
      }),
    );
    expect(failing.hits.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(UPSTREAM_SECRET);
    expect(JSON.stringify(error)).not.toContain(UPSTREAM_SECRET);
  });
});

describe("credentials", () => {
  it("are checked against the connectors' schemas before any call: a missing field is named, nothing is sent or stored", async () => {
    const { prisma } = database();
    const before = internal.hits.length;
    const error = await failure(
      caller(prisma).account.create({
        sellerId,
        marketplace: "wildberries",
        displayName: "Wrong fields",
        credentials: { token: "x".repeat(40) },
        baseUrls: { "*": internal.url },
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/"apiToken"/);
    expect(internal.hits.length).toBe(before);
    expect(await prisma.marketplaceAccount.count({ where: { sellerId } })).toBe(0);
  });
});
