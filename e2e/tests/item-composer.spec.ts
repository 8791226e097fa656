// The item view and the reply composer, on a fresh seller of their own (the demo data is never
// touched): review with photos and product card, a paged chat thread, mark read on open, the
// composer's limit and counter, the repetition warning, drafts surviving reload, templates CRUD and
// their suggestion in the composer.
import { answerHash, hashPassword, normalizeAnswer } from "@inbox/api";
import type { PrismaClient } from "@inbox/db";
import { expect, removeTestData, signInThroughApi, test as base } from "./fixtures";

// A 1×1 PNG: review photos without any network.
const PHOTO = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

interface ComposerWorld {
  sellerId: string;
  userId: string;
  /** An unread Ozon review, 5 stars, with two photos, a product and a buyer name. */
  review: string;
  /** An Ozon chat of 60 messages, both sides. */
  chat: string;
  /** An answered Ozon review. */
  answered: string;
  /** An Ozon review synced with two photos still to fetch, on an account whose keys do not work. */
  mediaPending: string;
}

async function createWorld(prisma: PrismaClient): Promise<ComposerWorld & { email: string; password: string }> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = `composer-${suffix}-password`;
  const user = await prisma.user.create({
    data: { email: `composer-${suffix}@e2e.local`, name: "Агент Анна", passwordHash: await hashPassword(password) },
  });
  const seller = await prisma.seller.create({
    data: { name: `Магазин ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } },
  });
  // Paused: the sweeper never syncs this made-up account.
  const account = await prisma.marketplaceAccount.create({
    data: { sellerId: seller.id, marketplace: "OZON", displayName: "Ozon e2e", credentialsEncrypted: "v1:a:b:c", paused: true },
  });
  const base = { sellerId: seller.id, accountId: account.id, marketplace: "OZON" as const };
  const now = Date.now();
  const review = await prisma.item.create({
    data: {
      ...base,
      channel: "REVIEW",
      externalId: `review-${suffix}`,
      text: "Отличный чайник, закипает быстро",
      pros: "Тихий",
      cons: "Короткий шнур",
      rating: 5,
      authorName: "Мария К.",
      productExternalId: "987654321",
      productName: "Чайник электрический",
      productArticle: "KET-42",
      productUrl: "https://www.ozon.ru/product/987654321/",
      orderStatus: "CANCELLED",
      attachments: [
        { kind: "image", url: PHOTO, name: "Фото 1" },
        { kind: "image", url: PHOTO, name: "Фото 2" },
        // A marketplace CDN link that no longer answers (port 9 refuses connections).
        { kind: "image", url: "https://127.0.0.1:9/vol1/photos/fs.webp", name: "Фото 3" },
      ],
      upstreamCreatedAt: new Date(now - 60_000),
      lastActivityAt: new Date(now - 60_000),
      read: false,
    },
  });
  const chat = await prisma.item.create({
    data: {
      ...base,
      channel: "CHAT",
      externalId: `chat-${suffix}`,
      text: "Чат с покупателем",
      authorName: "Покупатель Пётр",
      upstreamCreatedAt: new Date(now - 120 * 60_000),
      lastActivityAt: new Date(now - 60_000),
      read: true,
    },
  });
  await prisma.message.createMany({
    data: Array.from({ length: 60 }, (_, index) => ({
      itemId: chat.id,
      externalId: `m-${index}`,
      direction: index % 2 === 0 ? ("IN" as const) : ("OUT" as const),
      text: `Сообщение номер ${index}`,
      authorName: index % 2 === 0 ? "Пётр" : null,
      sentAt: new Date(now - (120 - index) * 60_000),
    })),
  });
  const answered = await prisma.item.create({
    data: {
      ...base,
      channel: "REVIEW",
      externalId: `answered-${suffix}`,
      text: "Нормально",
      rating: 4,
      answered: true,
      answerText: "Спасибо за оценку!",
      upstreamCreatedAt: new Date(now - 3_600_000),
      lastActivityAt: new Date(now - 3_600_000),
      read: true,
    },
  });
  const mediaPending = await prisma.item.create({
    data: {
      ...base,
      channel: "REVIEW",
      externalId: `media-${suffix}`,
      text: "Фото приложила, посмотрите",
      rating: 3,
      mediaCount: { images: 2, videos: 0 },
      mediaPending: true,
      upstreamCreatedAt: new Date(now - 7_200_000),
      lastActivityAt: new Date(now - 7_200_000),
      read: true,
    },
  });
  return {
    email: user.email,
    password,
    userId: user.id,
    sellerId: seller.id,
    review: review.id,
    chat: chat.id,
    answered: answered.id,
    mediaPending: mediaPending.id,
  };
}

const test = base.extend<{ world: ComposerWorld }>({
  world: async ({ prisma, page }, use) => {
    const world = await createWorld(prisma);
    await signInThroughApi(page, world.email, world.password);
    await use(world);
    await removeTestData(prisma, { sellerIds: [world.sellerId], userIds: [world.userId] });
  },
});

test("a review whose photos cannot be fetched from the marketplace still opens, and says so with a retry", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.mediaPending}`);
  const view = page.getByTestId("item-view");
  await expect(view.getByText("Фото приложила, посмотрите")).toBeVisible();
  const failed = view.getByTestId("media-failed");
  await expect(failed).toContainText("Не удалось загрузить фото и видео");
  await failed.getByRole("button", { name: "Повторить" }).click();
  await expect(view.getByTestId("media-failed")).toBeVisible();
  await expect(view.getByTestId("attachments")).toHaveCount(0);
});

test("a review shows stars, pros and cons, photos opening full size (a photo that cannot load says so), the buyer's name, the order status and the product card", async ({
  page,
  world,
}) => {
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const view = page.getByTestId("item-view");
  await expect(view.getByTestId("author")).toHaveText("Мария К.");
  await expect(view.locator(".order-status")).toHaveText("Заказ: отменён");
  await expect(view.getByLabel("5/5")).toBeVisible();
  await expect(view.getByText("Тихий")).toBeVisible();
  await expect(view.getByText("Короткий шнур")).toBeVisible();
  const photos = view.getByTestId("attachments").getByRole("link");
  await expect(photos).toHaveCount(3);
  await expect(photos.first()).toHaveAttribute("href", /^data:image\/png/);
  await expect(photos.first()).toHaveAttribute("target", "_blank");
  await expect(photos.first().getByRole("img", { name: "Фото 1" })).toBeVisible();
  await expect(photos.nth(2).getByTestId("photo-unavailable")).toHaveText("Превью не загрузилось — открыть фото");
  await expect(photos.nth(2)).toHaveAttribute("href", "https://127.0.0.1:9/vol1/photos/fs.webp");
  const product = view.getByTestId("product");
  await expect(product.getByRole("link", { name: "Чайник электрический" })).toHaveAttribute(
    "href",
    "https://www.ozon.ru/product/987654321/",
  );
  await expect(product).toContainText("KET-42");
  await expect(product).toContainText("987654321");
});

test("opening an unread item marks it read", async ({ page, world, prisma }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  await expect(page.getByTestId("item-view").locator(".read-state")).toHaveText("Прочитано");
  await expect.poll(async () => (await prisma.item.findUniqueOrThrow({ where: { id: world.review } })).read).toBe(true);
});

test("a chat shows the latest messages of both sides in time order and loads older ones on demand", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.chat}`);
  const thread = page.getByTestId("chat-thread").locator("li");
  await expect(thread).toHaveCount(50);
  await expect(thread.first()).toContainText("Сообщение номер 10");
  await expect(thread.last()).toContainText("Сообщение номер 59");
  await expect(page.getByTestId("chat-thread").locator('li[data-direction="in"]').first()).toContainText("Пётр");
  await expect(page.getByTestId("chat-thread").locator('li[data-direction="out"]')).toHaveCount(25);

  await page.getByTestId("older-messages").click();
  await expect(thread).toHaveCount(60);
  await expect(page.getByTestId("older-messages")).toHaveCount(0);
  const texts = await thread.locator("p.whitespace-pre-wrap").allTextContents();
  expect(texts).toEqual(Array.from({ length: 60 }, (_, index) => `Сообщение номер ${index}`));
});

test("the composer counts characters against the marketplace's limit and disables sending beyond it", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const composer = page.getByTestId("composer");
  const send = composer.getByRole("button", { name: "Отправить" });
  await expect(composer.getByTestId("reply-counter")).toHaveText("0 из 3000");
  await expect(send).toBeDisabled();

  await composer.locator("textarea").fill("а".repeat(3001));
  await expect(composer.getByTestId("reply-counter")).toHaveText("3001 из 3000");
  await expect(composer.getByText("Слишком длинно: максимум 3000 симв. — сократите на 1.")).toBeVisible();
  await expect(send).toBeDisabled();

  await composer.locator("textarea").fill("Спасибо за отзыв, Мария!");
  await expect(composer.getByTestId("reply-counter")).toHaveText("24 из 3000");
  await expect(send).toBeEnabled();
  await send.click();
  await expect(page.getByTestId("replies")).toContainText("Спасибо за отзыв, Мария!");
});

test("the composer says whether an answer can be edited only once the marketplace's rules have arrived", async ({ page, world }) => {
  // The rules (limits, edits) come with the marketplace catalog, requested by the browser: held here.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/trpc\/[^?]*catalog\.marketplaces/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const composer = page.getByTestId("composer");
  await expect(composer.locator("textarea")).toBeVisible();
  await expect(composer.getByTestId("composer-hint")).toHaveText("");
  await expect(composer.getByRole("button", { name: "Отправить" })).toBeDisabled();

  release();
  await expect(composer.getByTestId("composer-hint")).toHaveText(
    "На отзыв или вопрос можно ответить один раз: изменить ответ потом можно только в кабинете маркетплейса.",
  );
  await expect(composer.getByTestId("reply-counter")).toHaveText("0 из 3000");
});

test("an answered review shows the answer and says why there is no composer", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.answered}`);
  await expect(page.getByTestId("answer")).toContainText("Спасибо за оценку!");
  await expect(page.getByTestId("composer")).toHaveCount(0);
  await expect(page.getByTestId("composer-closed")).toContainText("На это уже ответили");
});

test("the composer warns when the text repeats an answer sent in the last 30 days", async ({ page, world, prisma }) => {
  const sent = "Благодарим за отзыв! Нам очень приятно, что покупка вам понравилась. Ждём вас снова.";
  const reply = await prisma.reply.create({
    data: {
      itemId: world.answered,
      authorId: world.userId,
      text: sent,
      status: "SENT",
      idempotencyKey: `e2e-sent-${world.answered}`,
      sentAt: new Date(),
    },
  });
  const normalizedText = normalizeAnswer(sent);
  await prisma.sentAnswer.create({
    data: { sellerId: world.sellerId, replyId: reply.id, normalizedText, textHash: answerHash(normalizedText) },
  });

  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const composer = page.getByTestId("composer");
  await composer.locator("textarea").fill("Благодарим за отзыв! Нам очень приятно, что покупка вам понравилась. Ждём вас снова!");
  await expect(composer.getByTestId("repetition-warning")).toContainText("повторяет ответ");
  await composer.locator("textarea").fill("Благодарим за отзыв, Мария! Нам очень приятно, что покупка вам понравилась. Ждём вас снова.");
  await expect(composer.getByTestId("repetition-warning")).toContainText("почти повторяет");
  await composer.locator("textarea").fill("Мария, рады, что чайник закипает быстро — про шнур передадим производителю.");
  await expect(composer.getByTestId("repetition-warning")).toHaveCount(0);
});

test("a draft survives reload and navigation, per item", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const textarea = page.getByTestId("composer").locator("textarea");
  await textarea.fill("Черновик ответа Марии");
  await expect(page.getByTestId("composer").getByText("Черновик сохранён")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("composer").locator("textarea")).toHaveValue("Черновик ответа Марии");

  await page.goto(`/s/${world.sellerId}/items/${world.chat}`);
  await expect(page.getByTestId("composer").locator("textarea")).toHaveValue("");
  await page.goBack();
  await expect(page.getByTestId("composer").locator("textarea")).toHaveValue("Черновик ответа Марии");
});

test("templates are created, edited and deleted, and the composer suggests the ones that fit the item", async ({ page, world }) => {
  await page.goto(`/s/${world.sellerId}/templates`);
  await expect(page.getByText("Шаблонов пока нет")).toBeVisible();

  await page.getByRole("button", { name: "Новый шаблон" }).click();
  const form = page.getByTestId("template-form");
  await form.getByLabel("Название").fill("Пятёрка");
  await form.getByLabel("Текст").fill("Здравствуйте, ");
  await form.getByRole("button", { name: /Имя покупателя/ }).click();
  await form.getByLabel("Текст").press("End");
  await form.getByLabel("Текст").pressSequentially("! Рады, что вам понравился товар.");
  await form.getByLabel("Канал").selectOption("review");
  await form.getByLabel("5★").check();
  await form.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByTestId("template")).toHaveCount(1);
  await expect(page.getByTestId("template")).toContainText("Здравствуйте, {buyer}! Рады, что вам понравился товар.");

  await page.getByRole("button", { name: "Новый шаблон" }).click();
  await page.getByTestId("template-form").getByLabel("Название").fill("Для чатов");
  await page.getByTestId("template-form").getByLabel("Текст").fill("Добрый день! Чем помочь?");
  await page.getByTestId("template-form").getByLabel("Канал").selectOption("chat");
  await page.getByTestId("template-form").getByRole("button", { name: "Создать" }).click();
  await expect(page.getByTestId("template")).toHaveCount(2);

  await page.getByTestId("template").filter({ hasText: "Пятёрка" }).getByRole("button", { name: "Изменить" }).click();
  await page.getByTestId("template-form").getByLabel("Название").fill("Пять звёзд");
  await page.getByTestId("template-form").getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByTestId("template").filter({ hasText: "Пять звёзд" })).toHaveCount(1);

  // The 5-star review gets the review template, filled, and not the chat one.
  await page.goto(`/s/${world.sellerId}/items/${world.review}`);
  const suggestions = page.getByTestId("template-suggestions");
  await expect(suggestions.getByRole("button", { name: "Пять звёзд" })).toBeVisible();
  await expect(suggestions.getByRole("button", { name: "Для чатов" })).toHaveCount(0);
  await suggestions.getByRole("button", { name: "Пять звёзд" }).click();
  await expect(page.getByTestId("composer").locator("textarea")).toHaveValue("Здравствуйте, Мария К.! Рады, что вам понравился товар.");

  await page.goto(`/s/${world.sellerId}/templates`);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("template").filter({ hasText: "Для чатов" }).getByRole("button", { name: "Удалить" }).click();
  await expect(page.getByTestId("template")).toHaveCount(1);
});
