// tRPC queries by GET answered without the fetch adapter (http/trpc-queries.ts): for every shape of
// request our clients send, and the failures a procedure can have, the answer is the adapter's byte
// for byte; anything else is recognised before it runs and left to the adapter.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_CALLS, TRPC_ENDPOINT } from "../src/http/api-http";
import { queryCallsOf } from "../src/http/trpc-queries";
import { appRouter } from "../src/root";
import { requestInfoFromHeaders } from "../src/services/audit";
import { createTRPCContext } from "../src/trpc";
import { BASE, buildApiWorld, rawTrpc, recordingJobs, unlimited, type ApiWorld } from "./support/api-world";

const database = useTestDatabase();
let world: ApiWorld;

beforeAll(async () => {
  world = await buildApiWorld(database().prisma);
});

/** `/api/trpc/<paths>` with superjson envelopes, as httpBatchLink (batch) or a plain client sends them. */
function queryUrl(paths: string[], inputs: unknown[], batch: boolean): string {
  const url = new URL(`${BASE}${TRPC_ENDPOINT}/${paths.join(",")}`);
  if (batch) {
    url.searchParams.set("batch", "1");
    const envelopes = Object.fromEntries(
      inputs.map((input, index) => [index, { json: input }]).filter(([, e]) => (e as { json: unknown }).json !== undefined),
    );
    url.searchParams.set("input", JSON.stringify(envelopes));
  } else if (inputs[0] !== undefined) url.searchParams.set("input", JSON.stringify({ json: inputs[0] }));
  return url.toString();
}

/** The adapter alone, with the context the edge gives a session user: the reference answer. */
function viaAdapter(request: Request, userId: string | null) {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: () =>
      createTRPCContext({
        userId,
        apiToken: null,
        request: requestInfoFromHeaders(request.headers),
        prisma: database().prisma,
        jobs: recordingJobs().queue,
      }),
  });
}

async function bothAnswers(url: string, userId: string | null) {
  const [reference, answer] = await Promise.all([
    viaAdapter(new Request(url), userId),
    rawTrpc(new Request(url), userId ? { userId } : null, { prisma: database().prisma, limiter: unlimited() }),
  ]);
  const read = async (response: Response) => ({
    status: response.status,
    contentType: response.headers.get("content-type"),
    vary: response.headers.get("vary"),
    body: await response.text(),
  });
  return { reference: await read(reference), answer: await read(answer) };
}

const recognised = (url: string) => queryCallsOf({ url: new URL(url), header: () => null }, TRPC_ENDPOINT, MAX_BATCH_CALLS) !== null;

describe("queries by GET, without the fetch adapter", () => {
  const cases: Array<[string, () => { paths: string[]; inputs: unknown[]; batch: boolean; user: () => string | null }]> = [
    [
      "one query",
      () => ({ paths: ["inbox.list"], inputs: [{ sellerId: world.target.sellerId }], batch: false, user: () => world.owner.id }),
    ],
    ["one query without input", () => ({ paths: ["seller.list"], inputs: [undefined], batch: false, user: () => world.viewer.id })],
    [
      "a batch of three, as the browser's httpBatchLink sends it",
      () => ({
        paths: ["seller.list", "inbox.list", "inbox.counts"],
        inputs: [undefined, { sellerId: world.target.sellerId, status: "unanswered" }, { sellerId: world.target.sellerId }],
        batch: true,
        user: () => world.agent.id,
      }),
    ],
    [
      "a batch where one call is another seller's (207)",
      () => ({
        paths: ["inbox.list", "inbox.list"],
        inputs: [{ sellerId: world.target.sellerId }, { sellerId: world.other.sellerId }],
        batch: true,
        user: () => world.owner.id,
      }),
    ],
    [
      "input that fails validation (field errors)",
      () => ({ paths: ["inbox.list"], inputs: [{ sellerId: world.target.sellerId, limit: 0 }], batch: false, user: () => world.owner.id }),
    ],
    ["no session", () => ({ paths: ["seller.list"], inputs: [undefined], batch: false, user: () => null })],
    [
      "a domain error with its reason",
      () => ({
        paths: ["item.notes"],
        inputs: [{ sellerId: world.target.sellerId, itemId: world.other.itemId }],
        batch: true,
        user: () => world.owner.id,
      }),
    ],
  ];

  it.each(cases)("%s: answered as the adapter answers", async (_, build) => {
    const { paths, inputs, batch, user } = build();
    const url = queryUrl(paths, inputs, batch);
    expect(recognised(url)).toBe(true);
    const { reference, answer } = await bothAnswers(url, user());
    expect(answer).toEqual(reference);
  });

  it("a superjson envelope that does not deserialise fails every call of the batch alike", async () => {
    const url = new URL(`${BASE}${TRPC_ENDPOINT}/seller.list,inbox.list?batch=1`);
    url.searchParams.set(
      "input",
      JSON.stringify({ 1: { json: { sellerId: world.target.sellerId }, meta: { values: { sellerId: ["custom", "nope"] } } } }),
    );
    expect(recognised(url.toString())).toBe(true);
    const { reference, answer } = await bothAnswers(url.toString(), world.owner.id);
    expect(answer.status).toBe(reference.status);
    expect(answer).toEqual(reference);
  });

  it.each([
    ["an unknown procedure", `${TRPC_ENDPOINT}/inbox.nope?input=%7B%7D`],
    ["a mutation by GET", `${TRPC_ENDPOINT}/inbox.setReadBulk?input=%7B%7D`],
    ["input that is not JSON", `${TRPC_ENDPOINT}/seller.list?input=%7Bnot-json`],
    ["a batch whose input is not an object", `${TRPC_ENDPOINT}/seller.list?batch=1&input=%5B1%5D`],
    ["a batch over the cap", `${TRPC_ENDPOINT}/${Array.from({ length: MAX_BATCH_CALLS + 1 }, () => "seller.list").join(",")}?batch=1`],
  ])("%s is left to the adapter, with its answer", async (_, path) => {
    const url = `${BASE}${path}`;
    expect(recognised(url)).toBe(false);
    const { answer } = await bothAnswers(url, world.owner.id);
    expect(answer.status).toBeGreaterThanOrEqual(400);
  });

  it("a streaming batch (trpc-accept, or JSON lines in Accept) or a GET with a body type is left to the adapter", () => {
    const url = new URL(queryUrl(["seller.list"], [undefined], true));
    const calls = (headers: Record<string, string>) =>
      queryCallsOf({ url, header: (name) => headers[name] ?? null }, TRPC_ENDPOINT, MAX_BATCH_CALLS);
    expect(calls({ "trpc-accept": "application/jsonl" })).toBeNull();
    expect(calls({ accept: "application/json, application/jsonl" })).toBeNull();
    expect(calls({ "content-type": "application/json" })).toBeNull();
    expect(calls({ accept: "*/*" })).not.toBeNull();
  });

  it("JSON lines asked for in Accept, or connection params, get the adapter's answer", async () => {
    const single = queryUrl(["seller.list"], [undefined], false);
    const jsonl = () => new Request(single, { headers: { accept: "application/jsonl" } });
    const [reference, answer] = await Promise.all([
      viaAdapter(jsonl(), world.owner.id),
      rawTrpc(jsonl(), { userId: world.owner.id }, { prisma: database().prisma, limiter: unlimited() }),
    ]);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe(await reference.text());
    const params = `${single}${single.includes("?") ? "&" : "?"}connectionParams=not-json`;
    expect(recognised(params)).toBe(false);
    const both = await bothAnswers(params, world.owner.id);
    expect(both.answer.status).toBe(400);
    expect(both.answer).toEqual(both.reference);
  });
});
