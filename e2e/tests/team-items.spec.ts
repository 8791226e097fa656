// Team work on items in the browser: assigning from the item page and in bulk, the "assigned to me" and
// "unassigned" filters, the assignee on each row, internal notes shown apart from replies (and leaving
// the item unanswered), and the item's history naming who read, assigned, noted and replied.
import type { Page } from "@playwright/test";
import { expect, openInbox, test } from "./triage-fixtures";

const rows = (page: Page) => page.getByTestId("inbox-item");
const USER = "Анна Триаж";

async function openItem(page: Page, sellerId: string, itemId: string) {
  await page.goto(`/s/${sellerId}/items/${itemId}`);
  await expect(page.getByTestId("item-view")).toBeVisible();
}

async function assignTo(page: Page, name: string) {
  const select = page.getByTestId("assignee-select");
  // The members load after the item: wait for the option before choosing it.
  await expect(select.locator("option", { hasText: name })).toHaveCount(1);
  await select.selectOption({ label: name });
  await expect(select.locator("option:checked")).toHaveText(name);
}

test("an item is assigned to a colleague from its page, and its row names the assignee", async ({ page, world, prisma }) => {
  const [alpha] = world.sellers;
  const sizes = alpha.items.get("Размеры маломерят, пришлось вернуть")!;
  await openItem(page, alpha.id, sizes);
  await assignTo(page, world.colleague.name);
  await expect.poll(() => prisma.item.findUniqueOrThrow({ where: { id: sizes } }).then((item) => item.assigneeId)).toBe(world.colleague.id);

  await openInbox(page, `/s/${alpha.id}`);
  await expect(rows(page).filter({ hasText: "Размеры маломерят" }).getByTestId("row-assignee")).toHaveText(
    `Назначено: ${world.colleague.name}`,
  );
  await expect(rows(page).filter({ hasText: "рюкзак" }).getByTestId("row-assignee")).toHaveCount(0);
});

test("items are assigned to oneself in bulk, and the assigned-to-me and unassigned filters narrow the list", async ({
  page,
  world,
  prisma,
}) => {
  const [alpha] = world.sellers;
  const backpack = alpha.items.get("Есть ли этот рюкзак в синем цвете?")!;

  // Unassigned: every item; in bulk, the backpack question to me, and it leaves the view.
  await openInbox(page, "/inbox?assignee=none");
  await expect(rows(page)).toHaveCount(7);
  await rows(page).filter({ hasText: "рюкзак" }).getByTestId("select-item").check();
  await page.getByTestId("bulk-assign-me").click();
  await expect(page.getByTestId("bulk-result")).toContainText("Готово: 1 из 1");
  await expect(rows(page)).toHaveCount(6);
  await expect(rows(page).filter({ hasText: "рюкзак" })).toHaveCount(0);
  expect(await prisma.item.findUniqueOrThrow({ where: { id: backpack } })).toMatchObject({ assigneeId: world.userId });

  // Assigned to me: the backpack question only, naming me; the chip changes the URL like every filter.
  await page.getByTestId("assignee-me").click();
  await expect(page).toHaveURL(/assignee=me/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first().getByTestId("row-assignee")).toHaveText(`Назначено: ${USER}`);
});

test("a note is shown apart from replies and leaves the item unanswered; the history names who read, assigned, noted and replied", async ({
  page,
  world,
  prisma,
}) => {
  const [alpha] = world.sellers;
  const itemId = alpha.items.get("Размеры маломерят, пришлось вернуть")!;
  await openItem(page, alpha.id, itemId);
  const view = page.getByTestId("item-view");
  await assignTo(page, world.colleague.name);

  await page.getByTestId("note-input").fill("Позвонить покупателю, предложить обмен");
  await page.getByTestId("note-add").click();
  const note = page.getByTestId("note");
  await expect(note).toHaveCount(1);
  await expect(note).toContainText("Заметка");
  await expect(note).toContainText("Позвонить покупателю, предложить обмен");
  await expect(note).toContainText(USER);
  // Not a reply: the item is still unanswered, no reply exists, the replies list does not hold it.
  await expect(view.getByText("Нет ответа", { exact: true })).toBeVisible();
  await expect(page.getByTestId("replies")).toHaveCount(0);
  expect(await prisma.reply.count({ where: { itemId } })).toBe(0);
  expect(await prisma.item.findUniqueOrThrow({ where: { id: itemId } })).toMatchObject({ answered: false, answerText: null });

  await page.locator("#reply-text").fill("Спасибо за отзыв! Поможем подобрать размер.");
  await page.getByRole("button", { name: /^(Ответить|Отправить)$/ }).click();
  await expect(page.getByTestId("replies")).toContainText("Спасибо за отзыв! Поможем подобрать размер.");

  const history = page.getByTestId("history-entry");
  await expect(history.filter({ hasText: `${USER} ответил(а)` })).toHaveCount(1);
  // Opening the unread item marked it read.
  await expect(history.filter({ hasText: `${USER} отметил(а) прочитанным` })).toHaveCount(1);
  // Newest last; the delivery (to a paused test account) may or may not have finished by now.
  const kinds = await history.evaluateAll((entries) => entries.map((entry) => entry.getAttribute("data-kind")));
  // (The read mark is made by opening the item, in the background: its place among the first ones varies.)
  expect(kinds.filter((kind) => kind !== "read").slice(0, 4)).toEqual(["arrived", "assigned", "note_added", "replied"]);
  await expect(history.filter({ hasText: `${USER} назначил(а) ответственным: ${world.colleague.name}` })).toHaveCount(1);
  await expect(history.filter({ hasText: `${USER} добавил(а) заметку` })).toHaveCount(1);
});
