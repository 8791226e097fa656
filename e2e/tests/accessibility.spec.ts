// axe in the browser: no serious or critical accessibility violations on the main pages.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";
import { test as signedOut } from "./fixtures";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

// One test per page group: each axe scan of a whole page takes seconds.
test("the inbox over all sellers and a seller's search have no serious or critical axe violations", async ({ page, world }) => {
  const [alpha] = world.sellers;
  await openInbox(page, "/inbox");
  expect(await seriousViolations(page)).toEqual([]);

  await openInbox(page, `/s/${alpha.id}?q=${encodeURIComponent("размер")}&channels=review`);
  await page.getByRole("group", { name: "Оценка" }).getByRole("button", { name: "1 ★" }).focus();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the split view with an item open, and the keyboard help, have no serious or critical axe violations", async ({ page, world }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openInbox(page, "/inbox");
  await expect(page.getByTestId("inbox-item")).toHaveCount(world.sellers.reduce((count, seller) => count + seller.items.size, 0));
  await page.getByTestId("inbox-item").first().getByRole("link").click();
  await expect(page.getByTestId("item-view")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Клавиши" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("a chat's page and the accounts page have no serious or critical axe violations", async ({ page, world }) => {
  const [alpha, beta] = world.sellers;
  await page.goto(`/s/${beta.id}/items/${beta.items.get("Чат по заказу")}`);
  await expect(page.getByTestId("item-view")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(`/s/${alpha.id}/accounts`);
  await expect(page.getByRole("heading", { name: "Аккаунты маркетплейсов" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

signedOut("the sign-in page has no serious or critical axe violations", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Вход" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
