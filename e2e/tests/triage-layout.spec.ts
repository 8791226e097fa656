// The inbox on a phone (390 px) and on a laptop (1440 px): no horizontal scrolling, and screenshots
// of both. They go to the test's output folder; `UPDATE_SCREENSHOTS=1` writes docs/screenshots/.
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const DOCS_SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

async function pageWidth(page: Page) {
  return page.evaluate(() => document.scrollingElement!.scrollWidth);
}

test("on a 390 px phone the inboxes and the item page fit the screen without horizontal scrolling", async ({ page, world }) => {
  const [alpha, beta] = world.sellers;
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of [
    "/inbox",
    `/s/${beta.id}`,
    `/s/${alpha.id}?q=${encodeURIComponent("размер")}`,
    "/inbox?status=unanswered&ratings=1,2",
  ]) {
    await page.goto(url);
    await expect(page.getByRole("heading", { name: /Входящие/ })).toBeVisible();
    expect(await pageWidth(page), url).toBeLessThanOrEqual(390);
  }
  // The rows' touch targets are thumb-sized (at least 44 px high).
  const box = await page.getByTestId("inbox-item").first().boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);

  await page.goto(`/s/${beta.id}/items/${beta.items.get("Чат по заказу")}`);
  await expect(page.getByText("Где мой заказ номер 42?")).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
});

test("screenshots in Russian: the inbox and a search with an item open beside it on a laptop (1440 px), the inbox and an item on a phone (390 px)", async ({
  page,
  world,
}, testInfo) => {
  const screenshot = (name: string) =>
    process.env.UPDATE_SCREENSHOTS === "1" ? path.join(DOCS_SCREENSHOTS, name) : testInfo.outputPath(name);
  const [alpha] = world.sellers;
  await world.addItems(alpha, [
    {
      channel: "REVIEW",
      text: "Куртка тёплая, но рукава длинноваты. Размер M подошёл бы лучше",
      rating: 4,
      productName: "Куртка зимняя",
      authorName: "Игорь",
      minutesAgo: 5,
    },
    {
      channel: "QUESTION",
      text: "Подскажите, есть ли доставка в Казань до пятницы?",
      productName: "Рюкзак городской",
      authorName: "Марина",
      minutesAgo: 12,
    },
  ]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/inbox");
  await expect(page.getByTestId("inbox-item").first()).toBeVisible();
  await page.screenshot({ path: screenshot("inbox-laptop-1440-ru.png") });
  // A Russian search, its matches marked, with the first unanswered item open beside the list.
  await page.goto(`/inbox?q=${encodeURIComponent("размер")}`);
  await page.getByTestId("inbox-item").filter({ hasText: "Размеры маломерят" }).getByRole("link").click();
  await expect(page.getByTestId("split-pane").getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  await expect(page.getByTestId("inbox-item").locator("mark").first()).toBeVisible();
  await expect(page.locator(".animate-spin")).toHaveCount(0);
  await page.screenshot({ path: screenshot("inbox-search-split-1440-ru.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/inbox");
  await expect(page.getByTestId("inbox-item").first()).toBeVisible();
  await page.screenshot({ path: screenshot("inbox-phone-390-ru.png"), fullPage: true });
  await page.goto(`/s/${alpha.id}/items/${alpha.items.get("Размеры маломерят, пришлось вернуть")}`);
  await expect(page.getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  // Templates, notes and history have loaded: nothing spins in the picture.
  await expect(page.locator(".animate-spin")).toHaveCount(0);
  await page.screenshot({ path: screenshot("item-phone-390-ru.png"), fullPage: true });
});

/** True when the element's top is in the window and nothing lies over its top-left corner. */
function uncoveredAtTop(element: Element): boolean {
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + 4, box.top + 4);
  return box.top >= 0 && hit !== null && element.contains(hit);
}

test("with the list scrolled, the bulk bar and the open item stay whole at the top of the window", async ({ page, world }) => {
  const [alpha] = world.sellers;
  await world.addItems(
    alpha,
    Array.from({ length: 20 }, (_, n) => ({
      channel: "QUESTION" as const,
      text: `Вопрос ${n + 1}: когда будет доставка?`,
      productName: "Рюкзак городской",
      minutesAgo: 500 + n,
    })),
  );
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await openInbox(page, `/s/${alpha.id}`);
    if (width === 1440) await page.getByTestId("inbox-item").first().click();
    await page.getByTestId("inbox-item").first().getByTestId("select-item").check();
    // Half way down the list (at its very end the list's bottom edge takes the split view up with it).
    await page
      .getByTestId("inbox-item")
      .nth(12)
      .evaluate((row) => row.scrollIntoView({ block: "center" }));
    expect(await page.evaluate(() => window.scrollY), `${width} px`).toBeGreaterThan(300);
    expect(await page.getByTestId("bulk-bar").evaluate(uncoveredAtTop), `bulk bar at ${width} px`).toBe(true);
    if (width === 1440) expect(await page.getByTestId("split-pane").evaluate(uncoveredAtTop), "split pane").toBe(true);
  }
});
