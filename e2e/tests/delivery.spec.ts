// Replies that travel to the marketplace and back: delivery, an edit of a delivered answer, retry, and a
// sync reading a sent chat message back. Each test has its own seller and Wildberries sandbox (live-seller.ts).
import path from "node:path";
import { expect, test } from "./live-seller";

// Each test waits on the marketplace: a first sync, a delivery, in one case a second sync.
test.describe.configure({ timeout: 60_000 });

test("an agent opens a review, replies, sees the reply queued and then delivered, and marks the review read", async ({
  page,
  live,
  prisma,
}) => {
  const review = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.review } });
  await page.goto(`/s/${live.sellerId}?status=unanswered&channels=review`);
  const row = page.locator(`[data-testid="inbox-item"]:has(a[href*="${review.id}"])`);
  await page.goto((await row.getByRole("link").getAttribute("href"))!);
  await expect(page.getByRole("link", { name: "← Ко входящим" })).toBeVisible();

  const reply = `Спасибо за отзыв! Мы разберёмся и напишем вам. ${Date.now()}`;
  await page.getByLabel("Ответ", { exact: true }).fill(reply);
  await page.getByRole("button", { name: "Отправить" }).click();
  // At once it is on the page: in the outbox list while queued or being sent, or already as the
  // review's answer when the worker was quicker than this check (it leaves the list once delivered).
  // The queued state itself is followed step by step in live.spec.ts.
  const queued = page.getByTestId("replies").locator("li").filter({ hasText: reply });
  await expect(queued.or(page.getByTestId("answer").getByText(reply))).toBeVisible();
  // One answer per review: nothing offers to send another once the reply is queued (the composer
  // gives way to the reason, and comes back to edit the answer once it is delivered: WB allows one edit).
  await expect(page.getByRole("button", { name: "Отправить" })).toHaveCount(0);
  // The worker delivers it to the sandbox; the page, refreshing itself while the reply is on its way,
  // then shows it once, as the review's answer and not also in the outbox list (the composer that
  // comes back starts from it to edit it: the edit test below).
  await expect(page.getByTestId("answer")).toContainText(reply, { timeout: 20_000 });
  await expect(page.getByTestId("replies").getByText(reply)).toHaveCount(0);
  const upstream = live.sandbox.world.feedbacks.filter((feedback) => feedback.answer?.text === reply);
  expect(upstream).toHaveLength(1);

  const readState = page.locator(".read-state");
  await expect(readState).toHaveText("Прочитано"); // opening it marked it read
  await page.getByRole("button", { name: "Отметить непрочитанным" }).click();
  await expect(readState).toHaveText("Не прочитано");
  await page.getByRole("button", { name: "Отметить прочитанным" }).click();
  await expect(readState).toHaveText("Прочитано");
  await page.reload();
  await expect(page.locator(".read-state")).toHaveText("Прочитано");
  expect(await prisma.reply.count({ where: { text: reply } })).toBe(1);
});

test("an agent edits a delivered answer once, where Wildberries allows it: the edit replaces the answer, then no further edit is offered", async ({
  page,
  live,
  prisma,
}, testInfo) => {
  const review = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.review } });
  await page.goto(`/s/${live.sellerId}/items/${review.id}`);
  await expect(page.getByTestId("composer-hint")).toHaveText(
    "На отзыв или вопрос отвечают один раз; потом ответ можно изменить здесь же, пока площадка это разрешает.",
  );
  const answer = `Спасибо за отзыв! ${Date.now()}`;
  await page.getByLabel("Ответ", { exact: true }).fill(answer);
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.getByTestId("answer")).toContainText(answer, { timeout: 20_000 });

  // Delivered: the composer comes back to edit it, starting from the answer, and says WB's rule.
  const editor = page.getByLabel("Изменить ответ");
  await expect(editor).toHaveValue(answer);
  await expect(page.getByTestId("composer-hint")).toHaveText(
    "Wildberries разрешает изменить ответ один раз в течение 60 дней: после этой правки изменить его будет нельзя.",
  );
  const save = page.getByRole("button", { name: "Сохранить правку" });
  await expect(save).toBeDisabled(); // nothing changed yet
  // To the test's output folder; `UPDATE_SCREENSHOTS=1` writes docs/screenshots/.
  await page.screenshot({
    path:
      process.env.UPDATE_SCREENSHOTS === "1"
        ? path.resolve(import.meta.dirname, "../../docs/screenshots/answer-edit-ru.png")
        : testInfo.outputPath("answer-edit-ru.png"),
    fullPage: true,
  });
  const edited = `${answer} Размерную сетку в карточке уже исправили.`;
  await editor.fill(edited);
  await save.click();
  await expect(page.getByTestId("answer")).toContainText(edited, { timeout: 20_000 });
  await expect(page.getByTestId("composer-closed")).toHaveText(/Площадка больше не даёт изменить этот ответ/);
  await expect(page.getByText(edited, { exact: true })).toHaveCount(1);

  const feedback = live.sandbox.world.feedbacks.find((f) => f.id === live.fresh.review);
  expect(feedback?.answer?.text).toBe(edited);
  expect(live.sandbox.world.answers.get(live.fresh.review)).toEqual([answer, edited]);
  expect(
    await prisma.reply.findMany({ where: { itemId: review.id }, select: { kind: true, status: true }, orderBy: { createdAt: "asc" } }),
  ).toEqual([
    { kind: "ANSWER", status: "SENT" },
    { kind: "EDIT", status: "SENT" },
  ]);
});

test("a failed reply shows why, and Retry delivers it to the marketplace", async ({ page, live, prisma }) => {
  const item = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.question } });
  const text = `Здравствуйте! Да, подходит. ${Date.now()}`;
  await prisma.reply.create({
    data: {
      itemId: item.id,
      text,
      status: "FAILED",
      error: "The marketplace did not respond; the reply will be retried automatically.",
      idempotencyKey: `e2e-failed-${item.id}`,
    },
  });

  await page.goto(`/s/${live.sellerId}/items/${item.id}`);
  const reply = page.getByTestId("replies").locator("li").filter({ hasText: text });
  await expect(reply.locator(".reply-status")).toHaveText("Ошибка");
  // The stored delivery error is English upstream text: the user reads what to do in their language.
  await expect(reply.getByText("Маркетплейс не принял ответ. Исправьте причину и нажмите «Повторить».")).toBeVisible();
  await reply.getByRole("button", { name: "Повторить" }).click();
  // Delivered, the reply is the question's answer and leaves the outbox list; no reload needed.
  await expect(page.getByTestId("answer")).toContainText(text, { timeout: 20_000 });
  await expect(page.getByTestId("replies").locator("li").filter({ hasText: text })).toHaveCount(0);
  expect(live.sandbox.world.questions.filter((question) => question.answer?.text === text)).toHaveLength(1);
});

test("a sent chat message is one message of the thread, before and after the next sync reads it back", async ({ page, live, prisma }) => {
  const chat = await prisma.item.findFirstOrThrow({ where: { sellerId: live.sellerId, externalId: live.fresh.chat } });
  await page.goto(`/s/${live.sellerId}/items/${chat.id}`);
  const thread = page.getByTestId("chat-thread");
  await expect(thread).toBeVisible();

  const text = `Заказ отправлен сегодня, трек-номер пришлём. ${Date.now()}`;
  await page.getByLabel("Сообщение покупателю").fill(text);
  await page.getByRole("button", { name: "Отправить" }).click();
  // Delivered: the message joins the thread, and is shown nowhere else on the page.
  await expect(thread.getByText(text)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(text, { exact: true })).toHaveCount(1);
  await expect
    .poll(() => prisma.reply.findFirst({ where: { itemId: chat.id, text }, select: { status: true } }))
    .toEqual({ status: "SENT" });

  await live.syncNow();
  // The sync read the message back from the marketplace: the same message now carries its id there.
  const stored = await prisma.message.findMany({ where: { itemId: chat.id, text }, select: { externalId: true, replyId: true } });
  expect(stored).toHaveLength(1);
  expect(stored[0]!.replyId).not.toBeNull();
  expect(stored[0]!.externalId).not.toMatch(/^inbox-reply:/);
  await page.reload();
  await expect(thread.getByText(text)).toBeVisible();
  await expect(page.getByText(text, { exact: true })).toHaveCount(1);
});
