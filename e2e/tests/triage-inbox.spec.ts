// The triage inbox list: one inbox over all sellers, every filter in the URL with counts beside
// them, Russian search, appended pages with the scroll position kept, and bulk mark-read.
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const rows = (page: Page) => page.getByTestId("inbox-item");
/** The row texts, once the list shows exactly `expected` (retried while the new list arrives). */
const expectTexts = (page: Page, expected: string[]) => expect(rows(page).locator("p")).toHaveText(expected);
/** The distinct values of a row attribute, sorted. */
const attributes = async (page: Page, name: string) =>
  [...new Set(await rows(page).evaluateAll((nodes, attr) => nodes.map((node) => node.getAttribute(attr)), name))].sort();

/** Clicks a filter button and waits for the list of the new URL. */
async function toggle(page: Page, group: string, name: string | RegExp, url: RegExp) {
  await page.getByRole("group", { name: group }).getByRole("button", { name }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByTestId("inbox-loading")).toHaveCount(0);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
}

test("a signed-in user lands on one inbox over both sellers; the seller filter and a seller's own inbox narrow it", async ({
  page,
  world,
}) => {
  const [alpha, beta] = world.sellers;
  await page.goto("/");
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(rows(page)).toHaveCount(7);
  // Newest first across both sellers, each row naming its seller.
  await expect(rows(page).first()).toContainText(beta.name);
  await expect(rows(page).first()).toContainText("Где мой заказ номер 42?");
  await expect(rows(page).nth(1)).toContainText(alpha.name);
  await expect(rows(page).nth(1)).toContainText("Размеры маломерят");

  await openInbox(page, "/inbox");
  await toggle(page, "Продавцы", alpha.name, new RegExp(`sellers=${alpha.id}`));
  await expect(rows(page)).toHaveCount(3);
  await expect.poll(() => attributes(page, "data-marketplace")).toEqual(["wildberries"]);

  await page.getByRole("combobox", { name: "Продавец" }).selectOption({ label: beta.name });
  await expect(page).toHaveURL(new RegExp(`/s/${beta.id}$`));
  await expect(rows(page)).toHaveCount(4);
  await expect.poll(() => attributes(page, "data-marketplace")).toEqual(["ozon"]);
});

test("channel, marketplace and status filters narrow the list, live in the URL and show their counts", async ({ page, world: _world }) => {
  await openInbox(page, "/inbox");
  const statuses = page.getByRole("group", { name: "Статус" });
  await expect(statuses.getByRole("button", { name: "Без ответа 6" })).toBeVisible();
  await expect(statuses.getByRole("button", { name: "С ответом 1" })).toBeVisible();
  await expect(statuses.getByRole("button", { name: "Ответ в пути 1" })).toBeVisible();
  await expect(statuses.getByRole("button", { name: "Ответ не принят 1" })).toBeVisible();
  const channels = page.getByRole("group", { name: "Каналы" });
  await expect(channels.getByRole("button", { name: "Отзыв 4" })).toBeVisible();
  await expect(channels.getByRole("button", { name: "Вопрос 2" })).toBeVisible();
  await expect(channels.getByRole("button", { name: "Чат 1" })).toBeVisible();

  // Channels, several at once.
  await toggle(page, "Каналы", /^Вопрос/, /channels=question/);
  await expect.poll(() => attributes(page, "data-channel")).toEqual(["question"]);
  await toggle(page, "Каналы", /^Чат/, /channels=question,chat/);
  await expect.poll(() => attributes(page, "data-channel")).toEqual(["chat", "question"]);
  await expect(rows(page)).toHaveCount(3);

  // Marketplace, on top of the channels.
  await toggle(page, "Площадки", "Ozon", /marketplaces=ozon/);
  await expect.poll(() => attributes(page, "data-marketplace")).toEqual(["ozon"]);
  await expect(rows(page)).toHaveCount(2);

  // Statuses.
  await openInbox(page, "/inbox");
  await toggle(page, "Статус", /^Ответ в пути/, /status=reply_pending/);
  await expectTexts(page, ["Подойдёт ли чехол к модели X?"]);
  await toggle(page, "Статус", /^Ответ не принят/, /status=reply_failed/);
  await expectTexts(page, ["Нормально, но коробка помята"]);
  await toggle(page, "Статус", /^С ответом/, /status=answered/);
  await expectTexts(page, ["Отличное качество, всем советую"]);
});

test("read state, ratings, product and date range narrow the list", async ({ page, world: _world }) => {
  // Read state.
  await openInbox(page, "/inbox");
  await page.getByRole("combobox", { name: "Прочтение" }).selectOption({ label: "Непрочитанные" });
  await expect(page).toHaveURL(/unread=true/);
  await expect(rows(page)).toHaveCount(3);
  await expect.poll(() => attributes(page, "data-read")).toEqual(["false"]);

  // Ratings, several at once.
  await openInbox(page, "/inbox");
  await toggle(page, "Оценка", "1 ★", /ratings=1/);
  await toggle(page, "Оценка", "2 ★", /ratings=1,2/);
  await expectTexts(page, ["Размеры маломерят, пришлось вернуть", "Доставка заняла неделю, термос целый"]);

  // Product (article), and the date range.
  await openInbox(page, "/inbox");
  await page.getByText("Товар, с даты").click();
  await page.getByLabel("Товар", { exact: true }).fill("ART-100");
  await page.getByRole("button", { name: "Применить" }).click();
  await expect(page).toHaveURL(/product=ART-100/);
  await expect(rows(page)).toHaveCount(2);
  // The range is over last activity (the date the list shows and sorts by): the review of 40 days ago.
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("С даты").fill(day(41));
  await page.getByLabel("До даты (не включая)").fill(day(38));
  await page.getByRole("button", { name: "Применить" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${day(41)}`));
  await expect(page).toHaveURL(new RegExp(`to=${day(38)}`));
  await expectTexts(page, ["Отличное качество, всем советую"]);
});

test("sort orders the list, a reloaded URL keeps the whole filter, and a bad URL is explained", async ({ page, world: _world }) => {
  // Sort: lowest rating first; oldest first.
  await openInbox(page, "/inbox");
  await page.getByRole("combobox", { name: "Порядок" }).selectOption({ label: "Сначала низкие оценки" });
  await expect(page).toHaveURL(/sort=rating/);
  await expect(rows(page).first()).toContainText("Размеры маломерят");
  await page.getByRole("combobox", { name: "Порядок" }).selectOption({ label: "Сначала старые" });
  await expect(page).toHaveURL(/sort=oldest/);
  await expect(rows(page).first()).toContainText("Отличное качество");

  // A reloaded URL keeps the whole filter.
  await openInbox(page, "/inbox?channels=review&marketplaces=wildberries&ratings=1");
  await expectTexts(page, ["Размеры маломерят, пришлось вернуть"]);
  await expect(page.getByRole("group", { name: "Каналы" }).getByRole("button", { name: /^Отзыв/ })).toHaveAttribute("aria-pressed", "true");

  // A wrong parameter is explained, not a crash.
  const response = await page.goto("/inbox?ratings=9&status=lost");
  expect(response?.status()).toBe(200);
  const problem = page.getByTestId("bad-filter");
  await expect(problem).toContainText("Не удалось применить фильтр");
  await expect(problem).toContainText("«ratings» = «9»");
  await expect(problem).toContainText("«status» = «lost»");
  await problem.getByRole("link", { name: "Сбросить фильтры" }).click();
  await expect(rows(page)).toHaveCount(7);
});

test("Russian search finds other forms of a word and marks the matches", async ({ page, world: _world }) => {
  await openInbox(page, `/inbox?q=${encodeURIComponent("размер")}`);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).locator("mark")).toHaveText(["Размеры"]);

  await page.getByRole("searchbox", { name: "Поиск" }).fill("доставку");
  await page.getByRole("searchbox", { name: "Поиск" }).press("Enter");
  await expect(page).toHaveURL(/q=%D0%B4%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D1%83/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText("Доставка заняла неделю");
  await expect(rows(page).locator("mark")).toHaveText(["Доставка"]);
});

test("reaching the end of the list appends the next page, and Back from an item returns to the same place in the long list", async ({
  page,
  world,
}) => {
  const [alpha] = world.sellers;
  await world.addItems(
    alpha,
    Array.from({ length: 40 }, (_, index) => ({
      channel: "QUESTION" as const,
      text: `Вопрос для листания №${index + 1}`,
      minutesAgo: 5 + index,
    })),
  );
  await page.setViewportSize({ width: 1000, height: 800 });
  await openInbox(page, `/s/${alpha.id}?channels=question`);
  await expect(rows(page)).toHaveCount(30);
  // Reaching the end of the list loads the next page (the "Show more" button there does the same).
  await page.getByRole("button", { name: /Показать ещё|Загружаем/ }).scrollIntoViewIfNeeded();
  await expect(rows(page)).toHaveCount(41);
  await expect(page.getByText("Это всё по этому фильтру.")).toBeVisible();
  // The URL did not change: the pages were appended, not replaced.
  await expect(page).toHaveURL(new RegExp(`/s/${alpha.id}\\?channels=question$`));

  const target = rows(page).filter({ hasText: "Вопрос для листания №36" });
  await target.scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(1000);
  await target.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/s/${alpha.id}/items/${alpha.items.get("Вопрос для листания №36")}`));
  await page.goBack();
  await expect(rows(page)).toHaveCount(41);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrolled - 100);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(scrolled + 100);
});

test("bulk mark-read: picked items, then all items matching the filter, with a result per run", async ({ page, world, prisma }) => {
  const ids = world.sellers.map((seller) => seller.id);
  await openInbox(page, "/inbox?unread=true");
  await expect(rows(page)).toHaveCount(3);
  await rows(page).nth(0).getByTestId("select-item").check();
  await rows(page).nth(1).getByTestId("select-item").check();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar).toContainText("Выбрано: 2");
  await bar.getByRole("button", { name: "Прочитано", exact: true }).click();
  await expect(page.getByTestId("bulk-result")).toContainText("Готово: 2 из 2");
  expect(await prisma.item.count({ where: { sellerId: { in: ids }, read: false } })).toBe(1);

  // Everything matching the filter, not only the rows on screen.
  await openInbox(page, "/inbox?status=unanswered");
  await rows(page).nth(0).getByTestId("select-item").check();
  await bar.getByTestId("select-all-matching").click();
  await expect(bar).toContainText("Выбраны все 6 по фильтру");
  await bar.getByRole("button", { name: "Не прочитано", exact: true }).click();
  await expect(page.getByTestId("bulk-result")).toContainText("Готово: 6 из 6");
  expect(await prisma.item.count({ where: { sellerId: { in: ids }, read: false, answered: false } })).toBe(6);
  expect(await prisma.item.count({ where: { sellerId: { in: ids }, read: false, answered: true } })).toBe(0);
});
