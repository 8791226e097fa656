// Live updates: what a sync or a worker commits reaches open pages within two seconds, without a
// reload or polling, also when the browser talks to another app instance than the one that wrote.
// Each test has its own seller and Wildberries sandbox (live-seller.ts). Latencies are measured in
// the browser (when the change first shows) against the database's time of the write.
import type { PrismaClient } from "@inbox/db";
import type { Page } from "@playwright/test";
import { expect, test, type LiveSeller } from "./live-seller";
import { startSecondInstance } from "./second-instance";

// Each test waits on a first sync, and one on a second app instance starting.
test.describe.configure({ timeout: 60_000 });

const LIVE_WITHIN_MS = 2_000;

/** Notes, in the page, the moment `selector` first matches (a MutationObserver, not a poll). */
async function watchFor(page: Page, selector: string) {
  await page.evaluate((selector) => {
    const w = window as unknown as { __liveSeenAt?: number };
    delete w.__liveSeenAt;
    const check = () => {
      if (w.__liveSeenAt === undefined && document.querySelector(selector)) {
        w.__liveSeenAt = Date.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    check();
  }, selector);
}

async function latencySince(page: Page, what: string, writtenAt: Date): Promise<number> {
  const seenAt = await page.evaluate(() => (window as unknown as { __liveSeenAt?: number }).__liveSeenAt);
  expect(seenAt, `${what}: the page never noted it`).toBeDefined();
  const latency = seenAt! - writtenAt.getTime();
  console.log(`live latency, ${what}: ${latency} ms`);
  expect(latency).toBeGreaterThanOrEqual(0);
  expect(latency).toBeLessThan(LIVE_WITHIN_MS);
  return latency;
}

async function openInboxLive(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId("inbox-view")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("live-header")).toHaveAttribute("data-live-state", "live");
  await expect(page.getByTestId("live-new-items")).toHaveCount(0);
}

/** A new review in the sandbox, synced: shown as "1 new" at once, in the list after the click. */
async function expectNewReviewLive(page: Page, live: LiveSeller, prisma: PrismaClient, where: string) {
  const rows = page.getByTestId("inbox-item");
  const shownBefore = await rows.count();
  await watchFor(page, '[data-testid="live-new-items"]');
  const feedback = live.sandbox.world.addFeedback({ hasPhotos: false });
  await live.syncNow();
  const item = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: feedback.id } });
  const banner = page.getByTestId("live-new-items");
  await expect(banner).toContainText("1 новое");
  await latencySince(page, where, item.createdAt);
  // Announced, not inserted: the list under the pointer stays as it was until the click.
  await expect(rows).toHaveCount(shownBefore);
  await expect(page.locator(`[data-key="${live.sellerId}.${item.id}"]`)).toHaveCount(0);
  await banner.click();
  await expect(page.locator(`[data-key="${live.sellerId}.${item.id}"]`)).toBeVisible();
  await expect(banner).toHaveCount(0);
}

test("a review synced from the marketplace shows in the open inbox within 2 s as “1 new”, and the tab title counts unread", async ({
  page,
  live,
  prisma,
}) => {
  await openInboxLive(page, `/s/${live.sellerId}`);
  const unread = await prisma.item.count({ where: { sellerId: live.sellerId, read: false } });
  await expect(page).toHaveTitle(`(${unread}) Marketplace Inbox`);
  await expectNewReviewLive(page, live, prisma, "new review, same instance");
  await expect(page).toHaveTitle(`(${unread + 1}) Marketplace Inbox`);
});

test("a review synced through one app instance shows live in a browser attached to another instance on the same database", async ({
  page,
  live,
  prisma,
}) => {
  // A second production server has to start (Next.js prepares its build) before the test begins.
  test.setTimeout(150_000);
  const second = await startSecondInstance();
  try {
    // Signed in on the first instance: the session cookie is the second's too (same keys).
    await openInboxLive(page, `${second.url}/s/${live.sellerId}`);
    // The sync is asked of the first instance and runs in its workers; the second only listens.
    await expectNewReviewLive(page, live, prisma, "new review, other instance");
  } finally {
    await second.stop();
  }
});

test("the item page follows its reply live: queued, failed, then sent by the worker after Retry", async ({ page, live, prisma }) => {
  const item = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.question } });
  await page.goto(`/s/${live.sellerId}/items/${item.id}`);
  await expect(page.getByTestId("item-view")).toBeVisible();
  await expect(page.getByTestId("live-header")).toHaveAttribute("data-live-state", "live");

  // Another agent (another tab, another instance) queues a reply: it shows up here as queued.
  const text = `Здравствуйте! Да, подходит. ${Date.now()}`;
  const reply = page.getByTestId("replies").locator("li").filter({ hasText: text });
  await watchFor(page, '[data-testid="replies"] .reply-status');
  const queued = await prisma.reply.create({ data: { itemId: item.id, text, idempotencyKey: `e2e-live-${item.id}` } });
  await expect(reply.locator(".reply-status")).toHaveText("В очереди");
  await latencySince(page, "reply queued", queued.createdAt);

  // Its delivery fails: the page says so, with Retry.
  await watchFor(page, '[data-testid="reply-failure"]');
  const failed = await prisma.reply.update({
    where: { id: queued.id },
    data: { status: "FAILED", error: "The marketplace did not respond; the reply will be retried automatically." },
  });
  await expect(reply.locator(".reply-status")).toHaveText("Ошибка");
  await latencySince(page, "reply failed", failed.updatedAt);

  // Retry: the worker delivers it, and the page shows the answer with no reload.
  await reply.getByRole("button", { name: "Повторить" }).click();
  await expect(page.getByTestId("answer")).toContainText(text, { timeout: 20_000 });
  await expect(reply).toHaveCount(0);
  expect(live.sandbox.world.questions.filter((question) => question.answer?.text === text)).toHaveLength(1);
});

test("a new chat message from the buyer appears in the open chat", async ({ page, live, prisma }) => {
  const chat = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.chat } });
  await page.goto(`/s/${live.sellerId}/items/${chat.id}`);
  await expect(page.getByTestId("chat-thread")).toBeVisible();
  await expect(page.getByTestId("live-header")).toHaveAttribute("data-live-state", "live");

  const text = `А можно доставку на завтра? ${Date.now()}`;
  live.sandbox.world.addChatMessage({ chatID: live.fresh.chat, text, sender: "client" });
  await live.syncNow();
  await expect(page.getByTestId("chat-thread").getByText(text)).toBeVisible();
});
