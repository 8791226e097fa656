// Split view on a wide screen: the open item beside the list; `r` goes to its composer; after a
// reply is queued the next unanswered item opens; Back and Esc close it again.
import type { Page } from "@playwright/test";
import { expect, FLOW_TIMEOUT, openInbox, test } from "./triage-fixtures";

test.describe.configure({ timeout: FLOW_TIMEOUT });

const rows = (page: Page) => page.getByTestId("inbox-item");

test("the item opens beside the list, and after a reply is queued the next unanswered item opens", async ({ page, world }) => {
  const [alpha, beta] = world.sellers;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openInbox(page, "/inbox?status=unanswered");
  await expect(rows(page)).toHaveCount(6);
  const pane = page.getByTestId("split-pane");

  await rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`open=${alpha.id}\\.${alpha.items.get("Размеры маломерят, пришлось вернуть")}`));
  await expect(pane.getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  await expect(rows(page)).toHaveCount(6); // the list stays
  await expect(rows(page).filter({ hasText: "Размеры маломерят" })).toHaveAttribute("data-read", "true");

  // `r` on the open item goes to its composer.
  await rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link").focus();
  await page.keyboard.press("r");
  const composer = pane.locator("textarea").first();
  await expect(composer).toBeFocused();
  await composer.fill("Спасибо за отзыв! Поможем подобрать размер.");
  await pane.getByRole("button", { name: /^(Ответить|Отправить)$/ }).click();

  // The next unanswered item below it opens by itself.
  await expect(page).toHaveURL(new RegExp(`open=${beta.id}\\.${beta.items.get("Доставка заняла неделю, термос целый")}`));
  await expect(pane.getByTestId("item-view")).toContainText("Доставка заняла неделю, термос целый");
  await expect(rows(page).filter({ hasText: "Размеры маломерят" }).locator(".reply-status")).toBeVisible();

  // Back returns to the previous item; Esc closes the pane.
  await page.goBack();
  await expect(pane.getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Escape");
  await expect(page).not.toHaveURL(/open=/);
  await expect(pane.getByTestId("item-view")).toHaveCount(0);
});
