// A seller of the test's own whose Wildberries account talks to a Wildberries sandbox the test starts
// (real HTTP from the app's workers to it): for flows that need the marketplace to answer — reply
// delivery, a sync reading a sent reply back — without touching the demo sellers. The account is
// connected through the app's own API, which checks the token against the sandbox and queues the
// first sync; the fixture waits until that sync has stored the sandbox's items.
import { hashPassword } from "@inbox/api";
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import type { PrismaClient } from "@inbox/db";
import type { Page } from "@playwright/test";
import { expect, FRESH_CONNECTION, removeTestData, signInThroughApi, test as base } from "./fixtures";

export interface LiveSeller {
  sellerId: string;
  accountId: string;
  sandbox: WildberriesSandbox;
  /** Marketplace ids of what the buyers wrote just before the account was connected: unanswered. */
  fresh: { review: string; question: string; chat: string };
  /** Asks the app to sync the account now and waits until that sync has finished. */
  syncNow: () => Promise<void>;
}

/** Seeded sandbox items per channel (some already answered), beside the three fresh ones. */
const ITEMS_PER_CHANNEL = 2;

async function trpcMutation(page: Page, path: string, input: unknown): Promise<unknown> {
  const response = await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: FRESH_CONNECTION });
  const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: unknown };
  expect(response.ok(), `${path}: ${JSON.stringify(body.error)}`).toBe(true);
  return body.result!.data.json;
}

/** Resolves once a sync of the account has finished after `since`, healthy (every channel ran). */
async function syncFinished(prisma: PrismaClient, accountId: string, since: Date) {
  // The worker takes the job within seconds (the queue's polling), then syncs three channels.
  await expect
    .poll(
      async () => {
        const account = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: accountId } });
        const done = account.lastSyncedAt !== null && account.lastSyncedAt >= since && account.syncLeaseOwner === null;
        return done ? account.status : "syncing";
      },
      { timeout: 20_000 },
    )
    .toBe("OK");
}

export const test = base.extend<{ live: LiveSeller }>({
  live: async ({ prisma, page }, use) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const sandbox = await startWildberriesSandbox({
      seed: Math.floor(Math.random() * 1_000_000),
      size: ITEMS_PER_CHANNEL,
      host: "127.0.0.1",
      // Answers are published at once (WB may also hold them for review; the sync tests cover that).
      moderation: "instant",
    });
    const fresh = {
      review: sandbox.world.addFeedback({ hasPhotos: false }).id,
      question: sandbox.world.addQuestion().id,
      chat: sandbox.world.addChatMessage({ text: "Здравствуйте! Когда отправите заказ?" }).chatID,
    };
    const password = `live-${suffix}-password`;
    const user = await prisma.user.create({
      data: { email: `live-${suffix}@e2e.local`, name: "Агент Живой", passwordHash: await hashPassword(password) },
    });
    const seller = await prisma.seller.create({
      data: { name: `Живой магазин ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } },
    });
    try {
      await signInThroughApi(page, user.email, password);
      const connectedAt = new Date();
      const account = (await trpcMutation(page, "account.create", {
        sellerId: seller.id,
        marketplace: "wildberries",
        displayName: `WB ${suffix}`,
        credentials: { apiToken: sandbox.issueToken({ type: "personal", categories: ["feedbacks", "chat"] }) },
        baseUrls: { review: sandbox.feedbacksUrl, question: sandbox.feedbacksUrl, chat: sandbox.chatUrl },
        // Only the test's own "sync now" runs further syncs.
        syncIntervalMinutes: 24 * 60,
      })) as { id: string };
      await syncFinished(prisma, account.id, connectedAt);
      await use({
        sellerId: seller.id,
        accountId: account.id,
        sandbox,
        fresh,
        syncNow: async () => {
          const requestedAt = new Date();
          await trpcMutation(page, "account.syncNow", { sellerId: seller.id, accountId: account.id });
          await syncFinished(prisma, account.id, requestedAt);
        },
      });
    } finally {
      await removeTestData(prisma, { sellerIds: [seller.id], userIds: [user.id] });
      await sandbox.close();
    }
  },
});

export { expect };
