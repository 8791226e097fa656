// Split view on a wide screen: the open item beside the list, one history entry per open item, Esc
// closes it. (After a queued reply the next unanswered item opens: triage-split-reply.spec.ts.)
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const rows = (page: Page) => page.getByTestId("inbox-item");

test("on a wide screen the item opens beside the list, Back returns to the previous item and Esc closes it", async ({ page, world }) => {
  const [alpha, beta] = world.sellers;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openInbox(page, "/inbox?status=unanswered");
  await expect(rows(page)).toHaveCount(6);
  const pane = page.getByTestId("split-pane");
  await expect(pane).toContainText("Выберите отзыв, вопрос или чат слева");

  await rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link").click();
  const first = alpha.items.get("Размеры маломерят, пришлось вернуть")!;
  await expect(page).toHaveURL(new RegExp(`open=${alpha.id}\\.${first}`));
  await expect(pane.getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  await expect(rows(page)).toHaveCount(6); // the list stays beside it
  await expect(rows(page).filter({ hasText: "Размеры маломерят" })).toHaveAttribute("data-read", "true");

  // With the keyboard: j to the next row, Enter opens it in the pane.
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  const second = beta.items.get("Доставка заняла неделю, термос целый")!;
  await expect(page).toHaveURL(new RegExp(`open=${beta.id}\\.${second}`));
  await expect(pane.getByTestId("item-view")).toContainText("Доставка заняла неделю, термос целый");

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`open=${alpha.id}\\.${first}`));
  await expect(pane.getByTestId("item-view")).toContainText("Размеры маломерят, пришлось вернуть");
  await rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link").focus();
  await page.keyboard.press("Escape");
  await expect(page).not.toHaveURL(/open=/);
  await expect(pane.getByTestId("item-view")).toHaveCount(0);
  await expect(rows(page).filter({ hasText: "Размеры маломерят" }).getByRole("link")).toBeFocused();
});
