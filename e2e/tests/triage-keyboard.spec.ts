// Keyboard triage: a day's queue worked without touching the mouse.
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const row = (page: Page, text: string) => page.getByTestId("inbox-item").filter({ hasText: text });

test("five items are triaged with the keyboard alone: move, mark read and unread, select, search, help, open", async ({
  page,
  world,
  prisma,
}) => {
  const [alpha] = world.sellers;
  await world.addItems(alpha, [
    { channel: "REVIEW", text: "Клавиши: первый отзыв", rating: 3, minutesAgo: 1 },
    { channel: "REVIEW", text: "Клавиши: второй отзыв", rating: 4, minutesAgo: 2 },
    { channel: "QUESTION", text: "Клавиши: третий вопрос", minutesAgo: 3 },
  ]);
  // A narrow window: Enter opens the item's own page.
  await page.setViewportSize({ width: 1000, height: 900 });
  await openInbox(page, `/s/${alpha.id}`);
  const rows = page.getByTestId("inbox-item");
  await expect(rows).toHaveCount(6);

  await page.keyboard.press("j");
  await expect(rows.nth(0)).toHaveAttribute("data-active", "true");
  await expect(rows.nth(0).getByRole("link")).toBeFocused();
  await page.keyboard.press("e");
  await expect(row(page, "Клавиши: первый отзыв")).toHaveAttribute("data-read", "true");

  await page.keyboard.press("j");
  await page.keyboard.press("e");
  await expect(row(page, "Клавиши: второй отзыв")).toHaveAttribute("data-read", "true");
  await page.keyboard.press("u");
  await expect(row(page, "Клавиши: второй отзыв")).toHaveAttribute("data-read", "false");

  // x selects; e then marks every selected item.
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(page.getByTestId("bulk-bar")).toContainText("Выбрано: 2");
  await page.keyboard.press("e");
  await expect(row(page, "Клавиши: третий вопрос")).toHaveAttribute("data-read", "true");
  await expect(row(page, "Размеры маломерят")).toHaveAttribute("data-read", "true");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("select-item").and(page.locator(":checked"))).toHaveCount(0);

  // k goes back up; focus stays visible on the active row.
  await page.keyboard.press("k");
  await expect(rows.nth(2).getByRole("link")).toBeFocused();

  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Клавиши" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Клавиши" })).toBeHidden();

  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Поиск" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(rows.nth(2).getByRole("link")).toBeFocused();

  // The fifth item: opened with Enter, then Back returns to the list.
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/s/${alpha.id}/items/${alpha.items.get("Есть ли этот рюкзак в синем цвете?")}`));
  await page.goBack();
  await expect(rows).toHaveCount(6);

  const stored = await prisma.item.findMany({ where: { sellerId: alpha.id }, select: { text: true, read: true } });
  const readOf = (text: string) => stored.find((item) => item.text === text)?.read;
  expect(readOf("Клавиши: первый отзыв")).toBe(true);
  expect(readOf("Клавиши: второй отзыв")).toBe(false);
  expect(readOf("Клавиши: третий вопрос")).toBe(true);
  expect(readOf("Размеры маломерят, пришлось вернуть")).toBe(true);
});
