// Bulk reply with a template from the inbox's bulk bar: every unanswered item of two sellers gets one
// reply with the variables filled per item. (A repeated or concurrent batch queuing nothing twice is
// proven against the database in packages/api/test/templates.test.ts.)
import { expect, openInbox, test } from "./triage-fixtures";

test("bulk template reply: all matching items across two sellers get one reply each, filled per item", async ({ page, world, prisma }) => {
  const sellerIds = world.sellers.map((seller) => seller.id);
  for (const seller of world.sellers) {
    await prisma.replyTemplate.create({
      data: { sellerId: seller.id, name: "Благодарность", text: "{buyer}, спасибо за обращение! Команда {seller}" },
    });
  }
  const unanswered = await prisma.item.findMany({ where: { sellerId: { in: sellerIds }, answered: false }, select: { id: true } });
  // An item whose reply is on its way is skipped rather than answered twice.
  const awaitingAReply = await prisma.item.count({
    where: { sellerId: { in: sellerIds }, answered: false, replyState: { not: "PENDING" } },
  });
  expect(awaitingAReply).toBeGreaterThan(2);
  // The fixture's failed reply stays as it was; only the replies this flow queues are counted.
  const itemIds = unanswered.map((item) => item.id);
  const earlier = (await prisma.reply.findMany({ where: { itemId: { in: itemIds } }, select: { id: true } })).map((reply) => reply.id);
  const queuedHere = { itemId: { in: itemIds }, id: { notIn: earlier } };

  async function replyToAllUnanswered() {
    await openInbox(page, "/inbox?status=unanswered");
    await page.getByTestId("inbox-item").first().getByTestId("select-item").check();
    const bar = page.getByTestId("bulk-bar");
    await bar.getByTestId("select-all-matching").click();
    await bar.getByRole("button", { name: "Ответить шаблоном", exact: true }).click();
    const dialog = page.getByTestId("template-reply-dialog");
    await expect(dialog).toContainText(`Выбрано: ${unanswered.length}`);
    await dialog.getByRole("button", { name: `Отправить ${unanswered.length}` }).click();
    await expect(dialog.getByTestId("bulk-progress")).toContainText("Готово:");
    await expect(dialog.getByTestId("bulk-results").locator("li")).toHaveCount(unanswered.length);
    await dialog.getByRole("button", { name: "Закрыть" }).click();
    await expect(dialog).toHaveCount(0);
  }

  await replyToAllUnanswered();
  const replies = await prisma.reply.findMany({ where: queuedHere });
  expect(replies).toHaveLength(awaitingAReply);
  expect(new Set(replies.map((reply) => reply.itemId)).size).toBe(awaitingAReply);
  // Variables are filled per item: the buyer's name where the marketplace gave one, the item's seller.
  const olga = world.sellers[0].items.get("Размеры маломерят, пришлось вернуть")!;
  expect(replies.find((reply) => reply.itemId === olga)?.text).toBe(`Ольга, спасибо за обращение! Команда ${world.sellers[0].name}`);
  for (const reply of replies) expect(reply.text).not.toContain("{");
  // Where the marketplace gave no name, the greeting is written without one.
  for (const reply of replies) expect(reply.text).not.toMatch(/^,/);
});
