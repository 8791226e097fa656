import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** The list arrives after the URL changes (skeleton first): wait for it before reading it. */
async function listLoaded(page: Page) {
  await expect(page.getByTestId("inbox-loading")).toHaveCount(0);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
}

/** A filter button of the inbox (filters are toggle buttons that edit the URL). */
const filter = (page: Page, group: string, name: RegExp) => page.getByRole("group", { name: group }).getByRole("button", { name });

/** Opens the item of an inbox row on its own page (on wide screens a click opens the split view). */
async function openItemPage(page: Page, row: ReturnType<Page["getByTestId"]>) {
  await page.goto((await row.getByRole("link").getAttribute("href"))!);
}

test("the inbox shows the seeded reviews, questions and chats of both demo sellers", async ({ demoPage: page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/inbox$/);
  const items = page.getByTestId("inbox-item");
  await expect(items.first()).toBeVisible();
  await expect(page.locator('[data-testid="inbox-item"][data-channel="review"]').first()).toBeVisible();

  await listLoaded(page);
  const switcher = page.getByRole("combobox", { name: "Продавец" });
  const options = await switcher.locator("option").allTextContents();
  expect(options).toEqual(["Все продавцы", "Вектор Спорт (ООО)", "Домашний уют (ИП Смирнова)"]);
  await switcher.selectOption({ label: "Вектор Спорт (ООО)" });
  await expect(page).toHaveURL(/\/s\/[^/?]+$/);
  const firstSeller = new URL(page.url()).pathname;
  await listLoaded(page);
  const firstSellerItems = await items.allTextContents();
  await switcher.selectOption({ label: "Домашний уют (ИП Смирнова)" });
  await expect(page).not.toHaveURL(new RegExp(`${firstSeller}$`));
  await expect(items.first()).toBeVisible();
  expect(await items.allTextContents()).not.toEqual(firstSellerItems);
});

test("filters in the URL change the list", async ({ demoPage: page }) => {
  await page.goto("/");
  await listLoaded(page);
  await filter(page, "Каналы", /^Чат/).click();
  await expect(page).toHaveURL(/channels=chat/);
  await listLoaded(page);
  const channels = await page.getByTestId("inbox-item").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-channel")));
  expect(channels.length).toBeGreaterThan(0);
  expect(new Set(channels)).toEqual(new Set(["chat"]));

  await filter(page, "Площадки", /^Ozon$/).click();
  await expect(page).toHaveURL(/marketplaces=ozon/);
  await listLoaded(page);
  const marketplaces = await page
    .getByTestId("inbox-item")
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-marketplace")));
  expect(new Set(marketplaces)).toEqual(new Set(["ozon"]));

  await filter(page, "Статус", /^С ответом/).click();
  await expect(page).toHaveURL(/status=answered/);
  await listLoaded(page);
  await expect(page.getByTestId("inbox-item").getByText("Нет ответа")).toHaveCount(0);
});

test("an agent opens a review, replies, sees the reply queued and then delivered, and marks the review read", async ({
  demoPage: page,
}) => {
  await page.goto("/");
  await listLoaded(page);
  await filter(page, "Статус", /^Без ответа/).click();
  await expect(page).toHaveURL(/status=unanswered/);
  await listLoaded(page);
  await openItemPage(page, page.locator('[data-testid="inbox-item"][data-channel="review"]').first());
  await expect(page.getByRole("link", { name: "← Ко входящим" })).toBeVisible();

  const reply = `Спасибо за отзыв! Мы разберёмся и напишем вам. ${Date.now()}`;
  await page.getByLabel("Ответ", { exact: true }).fill(reply);
  await page.getByRole("button", { name: "Отправить" }).click();
  const replies = page.getByTestId("replies");
  await expect(replies.getByText(reply)).toBeVisible();
  await expect(replies.locator(".reply-status").last()).toHaveText(/В очереди|Отправляется|Отправлен/);
  // One answer per review: the composer gives way to the reason once the reply is queued.
  await expect(page.getByTestId("composer")).toHaveCount(0);
  // The in-process worker delivers it to the marketplace sandbox, and the page (refreshing itself while
  // the reply is on its way) shows it once: as the review's answer where the marketplace shows answers
  // at once, or as a sent reply where it shows them after moderation (Ozon), until a sync reads it back.
  const sentReply = replies
    .locator("li")
    .filter({ hasText: reply })
    .filter({ has: page.locator(".reply-status", { hasText: "Отправлен" }) });
  await expect(async () => {
    const shown = (await page.getByTestId("answer").filter({ hasText: reply }).count()) + (await sentReply.count());
    expect(shown).toBe(1);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText(reply, { exact: true })).toHaveCount(1);

  const readState = page.locator(".read-state");
  if ((await readState.textContent()) === "Прочитано") {
    await page.getByRole("button", { name: "Отметить непрочитанным" }).click();
    await expect(readState).toHaveText("Не прочитано");
  }
  await page.getByRole("button", { name: "Отметить прочитанным" }).click();
  await expect(readState).toHaveText("Прочитано");
  await page.reload();
  await expect(page.locator(".read-state")).toHaveText("Прочитано");
});

test("a reply that breaks the marketplace's length limit cannot be sent, and the counter says why", async ({ demoPage: page }) => {
  // An Ozon chat: Ozon accepts 1–1000 characters per message (Yandex Market would take 4096).
  await page.goto("/inbox?marketplaces=ozon&channels=chat");
  await listLoaded(page);
  await openItemPage(page, page.getByTestId("inbox-item").first());
  await expect(page.getByTestId("chat-thread")).toBeVisible();
  await page.getByLabel("Сообщение покупателю").fill("ж".repeat(1001));
  await expect(page.getByTestId("reply-counter")).toHaveText("1001 из 1000");
  await expect(page.getByText("Слишком длинно: максимум 1000 симв. — сократите на 1.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Отправить" })).toBeDisabled();
});

test("a failed reply shows why, and Retry delivers it to the marketplace", async ({ demoPage: page, prisma }) => {
  const demoUser = await prisma.user.findUniqueOrThrow({ where: { email: "demo@inbox.local" }, include: { memberships: true } });
  const item = await prisma.item.findFirstOrThrow({
    where: { sellerId: { in: demoUser.memberships.map((membership) => membership.sellerId) }, channel: "QUESTION", answered: false },
  });
  const text = `Здравствуйте! Да, подходит. ${Date.now()}`;
  await prisma.reply.create({
    data: {
      itemId: item.id,
      authorId: demoUser.id,
      text,
      status: "FAILED",
      error: "The marketplace did not respond; the reply will be retried automatically.",
      idempotencyKey: `e2e-failed-${item.id}-${Date.now()}`,
    },
  });

  await page.goto(`/s/${item.sellerId}/items/${item.id}`);
  const reply = page.getByTestId("replies").locator("li").filter({ hasText: text });
  await expect(reply.locator(".reply-status")).toHaveText("Ошибка");
  // The stored delivery error is English upstream text: the user reads what to do in their language.
  await expect(reply.getByText("Маркетплейс не принял ответ. Исправьте причину и нажмите «Повторить».")).toBeVisible();
  await reply.getByRole("button", { name: "Повторить" }).click();
  // The item page refreshes itself while the reply is on its way; no reload needed. Delivered, the
  // reply is the question's answer and leaves the outbox list.
  await expect(page.getByTestId("answer")).toContainText(text, { timeout: 20_000 });
  await expect(page.getByTestId("replies").locator("li").filter({ hasText: text })).toHaveCount(0);
});
