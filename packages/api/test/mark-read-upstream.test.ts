// Opening an item marks it read in Inbox at once; the marketplace hears of it from a background job.
// Real PostgreSQL and the real Ozon sandbox over HTTP.
import { startOzonSandbox, type OzonSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../src/jobs/queues";
import { markItemsReadUpstream } from "../src/services/inbox-read";
import { setItemRead } from "../src/services/replies";
import { syncAccount } from "../src/sync/sync-account";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
let sandbox: OzonSandbox;
const queued: string[] = [];
const jobs: JobQueue = {
  enqueueSync: async () => {},
  enqueueReplyDelivery: async () => {},
  enqueueMarkReadUpstream: async (itemIds) => void queued.push(...itemIds),
  enqueueAutomation: async () => {},
};

beforeAll(async () => {
  sandbox = await startOzonSandbox({ seed: 5, size: { chats: 1, messagesPerChat: 1, reviews: 2, questions: 1 }, rateLimit: false });
});
afterAll(() => sandbox.close());

async function syncedReview(text: string) {
  const { prisma } = database();
  const upstream = sandbox.addReview({ text, rating: 4 });
  const { seller, account } = await createSandboxAccount(prisma, {
    marketplace: "OZON",
    baseUrls: { "*": sandbox.url },
    credentials: sandbox.credentials,
  });
  const result = await syncAccount({ prisma, accountId: account.id, connectorOptions: FAST_CONNECTOR_OPTIONS, pageSize: 100 });
  expect(result.status).toBe("done");
  const item = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, externalId: upstream.id } });
  return { upstream, item, sellerId: seller.id };
}

describe("mark read upstream", () => {
  it("marks the item read locally at once, and the job marks the Ozon review viewed", async () => {
    const { prisma } = database();
    const { upstream, item, sellerId } = await syncedReview("Пришёл быстро, всё целое");
    expect(upstream.status).toBe("NEW");

    expect(await setItemRead(prisma, jobs, { sellerId, itemId: item.id, read: true })).toMatchObject({ upstream: "queued" });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).read).toBe(true);
    expect(upstream.status).toBe("NEW"); // nothing upstream until the job runs
    expect(queued).toContain(item.id);

    expect(await markItemsReadUpstream(prisma, [item.id], { connectorOptions: FAST_CONNECTOR_OPTIONS })).toEqual({ marked: 1, failed: 0 });
    expect(upstream.status).toBe("VIEWED");
  });

  it("leaves the marketplace alone when the item was marked unread before the job ran", async () => {
    const { prisma } = database();
    const { upstream, item, sellerId } = await syncedReview("Коробка помята, товар в порядке");
    await setItemRead(prisma, jobs, { sellerId, itemId: item.id, read: true });
    await setItemRead(prisma, jobs, { sellerId, itemId: item.id, read: false });
    expect(await markItemsReadUpstream(prisma, [item.id], { connectorOptions: FAST_CONNECTOR_OPTIONS })).toEqual({ marked: 0, failed: 0 });
    expect(upstream.status).toBe("NEW");
  });
});
