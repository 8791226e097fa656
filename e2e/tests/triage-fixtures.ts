// A fresh world per triage test: a user who owns two sellers, each with a paused marketplace account
// (so no sync touches it) and a known set of reviews, questions and chats. Tests never touch the
// shared demo data. The user is signed in on `page`.
import { hashPassword } from "@inbox/api";
import type { Channel, Marketplace, PrismaClient } from "@inbox/db";
import type { Page } from "@playwright/test";
import { removeTestData, signInThroughApi, test as base, expect } from "./fixtures";

export interface ItemSpec {
  channel: Channel;
  text: string;
  rating?: number;
  productName?: string;
  productArticle?: string;
  authorName?: string;
  answered?: boolean;
  read?: boolean;
  /** Minutes before now of the last activity (and of creation, unless `createdAt` is given). */
  minutesAgo: number;
  createdAt?: Date;
  reply?: "PENDING" | "FAILED";
  /** Chat messages (buyer's), oldest first; the last one is the chat's preview. */
  messages?: string[];
}

export interface TriageSeller {
  id: string;
  name: string;
  accountId: string;
  marketplace: Marketplace;
  /** Item ids by the text they were created with. */
  items: Map<string, string>;
}

export interface TriageWorld {
  userId: string;
  email: string;
  password: string;
  sellers: [TriageSeller, TriageSeller];
  /** A second member (AGENT) of the first seller only, to assign items to. */
  colleague: { id: string; name: string };
  /** More items for a seller (paging tests). */
  addItems: (seller: TriageSeller, specs: ItemSpec[]) => Promise<void>;
}

/** What each triage test starts with: seven items over two sellers, two marketplaces, three channels. */
export const BASE_ITEMS: [ItemSpec[], ItemSpec[]] = [
  [
    {
      channel: "REVIEW",
      text: "Размеры маломерят, пришлось вернуть",
      rating: 1,
      productName: "Кроссовки беговые",
      productArticle: "ART-100",
      authorName: "Ольга",
      minutesAgo: 60,
    },
    { channel: "QUESTION", text: "Есть ли этот рюкзак в синем цвете?", productName: "Рюкзак городской", read: true, minutesAgo: 120 },
    {
      channel: "REVIEW",
      text: "Отличное качество, всем советую",
      rating: 5,
      productName: "Кроссовки беговые",
      productArticle: "ART-100",
      answered: true,
      read: true,
      minutesAgo: 60 * 24 * 40,
      createdAt: new Date("2026-01-10T10:00:00Z"),
    },
  ],
  [
    { channel: "REVIEW", text: "Доставка заняла неделю, термос целый", rating: 2, productName: "Термос стальной", minutesAgo: 90 },
    { channel: "CHAT", text: "Чат по заказу", minutesAgo: 30, messages: ["Здравствуйте!", "Где мой заказ номер 42?"] },
    {
      channel: "REVIEW",
      text: "Нормально, но коробка помята",
      rating: 4,
      productName: "Термос стальной",
      read: true,
      minutesAgo: 300,
      reply: "FAILED",
    },
    { channel: "QUESTION", text: "Подойдёт ли чехол к модели X?", productName: "Чехол", read: true, minutesAgo: 400, reply: "PENDING" },
  ],
];

async function createItems(prisma: PrismaClient, userId: string, seller: TriageSeller, specs: ItemSpec[]) {
  for (const [index, spec] of specs.entries()) {
    const activity = new Date(Date.now() - spec.minutesAgo * 60_000);
    const item = await prisma.item.create({
      data: {
        sellerId: seller.id,
        accountId: seller.accountId,
        marketplace: seller.marketplace,
        channel: spec.channel,
        externalId: `triage-${Date.now()}-${index}-${Math.random().toString(36).slice(2, 8)}`,
        text: spec.text,
        rating: spec.rating ?? null,
        productName: spec.productName ?? null,
        productArticle: spec.productArticle ?? null,
        authorName: spec.authorName ?? null,
        answered: spec.answered ?? false,
        answerText: spec.answered ? "Спасибо за отзыв!" : null,
        read: spec.read ?? false,
        upstreamCreatedAt: spec.createdAt ?? activity,
        lastActivityAt: activity,
      },
    });
    for (const [position, text] of (spec.messages ?? []).entries()) {
      await prisma.message.create({
        data: {
          itemId: item.id,
          externalId: `m-${position}`,
          direction: "IN",
          text,
          sentAt: new Date(activity.getTime() - ((spec.messages?.length ?? 0) - 1 - position) * 60_000),
        },
      });
    }
    if (spec.reply) {
      await prisma.reply.create({
        data: {
          itemId: item.id,
          authorId: userId,
          text: "Ответ из фикстуры",
          status: spec.reply,
          error: spec.reply === "FAILED" ? "The marketplace rejected the reply." : null,
          // Far ahead: the delivery worker leaves this pending reply alone during the test.
          nextAttemptAt: spec.reply === "PENDING" ? new Date(Date.now() + 24 * 3600_000) : null,
          idempotencyKey: `triage-${item.id}`,
        },
      });
    }
    seller.items.set(spec.text, item.id);
  }
}

export const test = base.extend<{ world: TriageWorld }>({
  world: async ({ prisma, page }, use) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const password = `triage-${suffix}-password`;
    const user = await prisma.user.create({
      data: { email: `triage-${suffix}@e2e.local`, name: "Анна Триаж", passwordHash: await hashPassword(password) },
    });
    const sellers: TriageSeller[] = [];
    for (const [name, marketplace] of [
      [`Альфа ${suffix}`, "WILDBERRIES"],
      [`Бета ${suffix}`, "OZON"],
    ] as const) {
      const seller = await prisma.seller.create({ data: { name, memberships: { create: { userId: user.id, role: "OWNER" } } } });
      const account = await prisma.marketplaceAccount.create({
        data: { sellerId: seller.id, marketplace, displayName: `${marketplace} ${suffix}`, credentialsEncrypted: "v1:a:b:c", paused: true },
      });
      sellers.push({ id: seller.id, name, accountId: account.id, marketplace, items: new Map() });
    }
    const [first, second] = sellers as [TriageSeller, TriageSeller];
    const colleague = await prisma.user.create({
      data: {
        email: `triage-colleague-${suffix}@e2e.local`,
        name: `Коллега ${suffix}`,
        passwordHash: "unused",
        memberships: { create: { sellerId: first.id, role: "AGENT" } },
      },
    });
    await createItems(prisma, user.id, first, BASE_ITEMS[0]);
    await createItems(prisma, user.id, second, BASE_ITEMS[1]);
    await signInThroughApi(page, user.email, password);
    await use({
      userId: user.id,
      email: user.email,
      password,
      sellers: [first, second],
      colleague: { id: colleague.id, name: colleague.name },
      addItems: (seller, specs) => createItems(prisma, user.id, seller, specs),
    });
    await removeTestData(prisma, { sellerIds: sellers.map((seller) => seller.id), userIds: [user.id, colleague.id] });
  },
});

export { expect };

/** Opens an inbox URL and waits until the page is interactive (keys and clicks are handled). */
export async function openInbox(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator('[data-testid="inbox-view"][data-ready="true"]')).toBeVisible();
}
