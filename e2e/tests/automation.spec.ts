// An owner sets up an automation rule in the browser: conditions, a template with variants, a preview
// of the items it matches, switching it on; the app's workers then answer exactly the matching
// reviews of the test's own Wildberries sandbox, once each.
import { expect, test } from "./live-seller";

test.describe.configure({ timeout: 60_000 });

test("a rule for 5-star reviews without text, previewed and switched on, answers exactly those reviews once each", async ({
  page,
  live,
  prisma,
}) => {
  const silent = { text: "", pros: "", cons: "", hasPhotos: false };
  const matching = [
    live.sandbox.world.addFeedback({ ...silent, productValuation: 5 }).id,
    live.sandbox.world.addFeedback({ ...silent, productValuation: 5 }).id,
  ];
  live.sandbox.world.addFeedback({ ...silent, productValuation: 3 });
  live.sandbox.world.addFeedback({ productValuation: 5, text: "Отличный товар, буду заказывать ещё", hasPhotos: false });
  await live.syncNow();
  // Any seeded review that also fits (five stars, no words, no answer) is the rule's too.
  const expected = live.sandbox.world.feedbacks
    .filter((feedback) => feedback.productValuation === 5 && !feedback.text && !feedback.pros && !feedback.cons && !feedback.answer)
    .map((feedback) => feedback.id);
  expect(expected).toEqual(expect.arrayContaining(matching));

  const template = await page.request.post("/api/trpc/template.create", {
    data: {
      json: {
        sellerId: live.sellerId,
        name: "Спасибо за пятёрку",
        text: "{Спасибо|Благодарим} за {высокую оценку|пять звёзд}! Будем рады видеть вас снова.",
        channel: "review",
        ratings: [5],
      },
    },
  });
  expect(template.ok()).toBe(true);

  await page.goto(`/s/${live.sellerId}/automation`);
  await expect(page.getByRole("heading", { name: "Правила автоматизации" })).toBeVisible();
  await page.getByRole("button", { name: "Новое правило" }).click();
  const form = page.getByTestId("rule-form");
  await form.getByLabel("Название").fill("Пять звёзд без текста");
  await form
    .getByRole("group", { name: /Оценки/ })
    .getByLabel("5★")
    .check();
  await form.getByLabel("без текста").check();
  await form.getByLabel("Шаблон", { exact: true }).selectOption({ label: "Спасибо за пятёрку" });
  // Saving without a template is explained before anything is sent; here the template is chosen.
  await form.getByRole("button", { name: "Проверить на текущих сообщениях" }).click();
  const preview = page.getByTestId("rule-preview");
  await expect(preview).toContainText(`Подходит сейчас: ${expected.length}`);
  await expect(preview.getByTestId("rule-preview-item")).toHaveCount(expected.length);

  await form.getByRole("button", { name: "Создать выключенным" }).click();
  const rule = page.getByTestId("rule");
  await expect(rule).toContainText("Выключено");
  await expect(rule).toContainText("Ответить шаблоном «Спасибо за пятёрку»");
  // Nothing is answered while the rule is off.
  expect(expected.filter((id) => (live.sandbox.world.answers.get(id) ?? []).length > 0)).toEqual([]);

  page.once("dialog", (dialog) => void dialog.accept());
  await rule.getByRole("button", { name: "Включить" }).click();
  await expect(rule).toContainText("Включено");

  // The workers take the rule's job at once and deliver through the outbox.
  await expect
    .poll(() => expected.filter((id) => (live.sandbox.world.answers.get(id) ?? []).length > 0).length, { timeout: 20_000 })
    .toBe(expected.length);
  await expect
    .poll(() => prisma.reply.count({ where: { item: { sellerId: live.sellerId }, status: "SENT", automationRuleId: { not: null } } }), {
      timeout: 10_000,
    })
    .toBe(expected.length);
  for (const feedback of live.sandbox.world.feedbacks) {
    const answers = live.sandbox.world.answers.get(feedback.id) ?? [];
    expect(answers, `review ${feedback.id}`).toHaveLength(expected.includes(feedback.id) ? 1 : 0);
  }
  await page.reload();
  await expect(page.getByTestId("rule-today")).toHaveText(`Сегодня: ответов ${expected.length}, назначено 0, прочитано 0, пропущено 0`);
});
