import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** The list arrives after the URL changes (skeleton first): wait for it before reading it. */
async function listLoaded(page: Page) {
  await expect(page.getByTestId("inbox-loading")).toHaveCount(0);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
}

/** A filter button of the inbox (filters are toggle buttons that edit the URL). */
const filter = (page: Page, group: string, name: RegExp) => page.getByRole("group", { name: group }).getByRole("button", { name });

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
