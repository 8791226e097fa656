// The bench's data set, written by PostgreSQL itself (generate_series): sellers whose sizes follow
// Zipf's law (s = 1), each with Wildberries, Ozon and Yandex Market accounts; reviews, questions and
// buyer chats with Russian texts; chats carry their messages. Rows go through ordinary INSERTs, so
// triggers the schema keeps (stored counts) see them as they would see a sync.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@inbox/db";
import { hashPassword } from "../src/auth/password";

export interface SeedPlan {
  /** Items of all Zipf-spread sellers together. */
  items: number;
  sellers: number;
  /** Items of the seller measured alone, then among everyone else's. */
  smallSellerItems: number;
  sync: { rateLimitedReviews: number; unlimitedReviews: number; ingestSample: number; replies: number };
  read: { samplesC1: number; secondsC16: number; cursorSteps: number };
}

export const SEED_PLAN: Record<"quick" | "full", SeedPlan> = {
  full: {
    items: 1_000_000,
    sellers: 20,
    smallSellerItems: 100,
    // 20 000 reviews under the limit: ~11 000 requests, about 4 minutes at Ozon's 50/s.
    sync: { rateLimitedReviews: 20_000, unlimitedReviews: 1_000_000, ingestSample: 50_000, replies: 1_000 },
    read: { samplesC1: 300, secondsC16: 15, cursorSteps: 50 },
  },
  quick: {
    items: 100_000,
    sellers: 20,
    smallSellerItems: 100,
    sync: { rateLimitedReviews: 2_000, unlimitedReviews: 10_000, ingestSample: 10_000, replies: 300 },
    read: { samplesC1: 100, secondsC16: 5, cursorSteps: 50 },
  },
};

/** Item counts of `sellers` sellers under Zipf's law (s = 1), summing to `total`. */
export function zipfSizes(total: number, sellers: number): number[] {
  const weights = Array.from({ length: sellers }, (_, rank) => 1 / (rank + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((weight) => Math.floor((weight / sum) * total));
  sizes[0]! += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

export interface BenchUser {
  id: string;
  email: string;
  password: string;
}

export async function createBenchUser(prisma: PrismaClient): Promise<BenchUser> {
  const password = randomBytes(12).toString("base64url");
  const email = "bench@inbox.test";
  const user = await prisma.user.create({ data: { email, name: "Бенчмарк", passwordHash: await hashPassword(password) } });
  return { id: user.id, email, password };
}

const REVIEW_TEXTS = [
  "Отличный товар, пришёл быстро, упаковка целая. Рекомендую!",
  "Качество на троечку: швы кривые, нитки торчат. За эти деньги ожидала большего.",
  "Размер соответствует таблице, ткань приятная к телу, после стирки не села.",
  "Курьер опоздал на два дня, но сам товар хороший. Продавцу спасибо.",
  "Заказывал уже второй раз, всё как в описании. Батарея держит весь день.",
  "Пришёл не тот цвет, что на фото. Возврат оформили быстро, деньги вернули.",
  "Крем хорошо впитывается, запах ненавязчивый. Кожа после него мягкая.",
  "Коробка была помята, внутри одна чашка с трещиной. Очень расстроена.",
  "Соотношение цена-качество отличное, пользуюсь каждый день уже месяц.",
  "Инструкция только на китайском, пришлось разбираться по видео на ютубе.",
  "Детям очень понравилось, собирали конструктор всей семьёй весь вечер.",
  "Через неделю отвалилась ручка. Клей слабый, не советую к покупке.",
  "Сидит идеально, беру ещё в другом цвете. Доставка в пункт выдачи за сутки.",
  "Запах резины очень сильный, проветривала неделю. В остальном нормально.",
  "Товар соответствует описанию, но упакован был просто в пакет без коробки.",
];

const QUESTION_TEXTS = [
  "Подскажите, подойдёт ли этот чехол на модель 2024 года?",
  "Какой размер брать при росте 176 и весе 70 кг?",
  "Есть ли гарантия на товар и как её оформить?",
  "Можно ли стирать в машинке при 40 градусах?",
  "Когда будет снова в наличии синий цвет?",
  "Входит ли зарядное устройство в комплект?",
  "Из какого материала сделана подошва?",
  "Подходит ли для чувствительной кожи?",
];

const CHAT_LINES = [
  "Здравствуйте! Где мой заказ? Трек-номер не отслеживается.",
  "Добрый день, пришёл товар с браком, что делать?",
  "Можно поменять размер на M? Заказ ещё не отправлен.",
  "Спасибо, получил. Всё отлично!",
  "Когда будет возврат денег? Прошла уже неделя.",
  "Подскажите, есть ли скидка при покупке двух штук?",
];

const SELLER_LINES = [
  "Здравствуйте! Проверили заказ: он уже в пути, трек обновится в течение суток.",
  "Приносим извинения! Оформите возврат в личном кабинете, деньги вернутся за 3–5 дней.",
  "Да, поменяли размер, заказ уйдёт завтра.",
  "Спасибо за отзыв! Рады, что товар понравился.",
];

const PRODUCTS = [
  "Кроссовки мужские беговые",
  "Платье летнее из льна",
  "Смартфон 128 ГБ, чёрный",
  "Крем для лица увлажняющий 50 мл",
  "Набор посуды из 12 предметов",
  "Конструктор «Городская станция»",
  "Рюкзак городской водонепроницаемый",
  "Наушники беспроводные с шумоподавлением",
  "Пуховик женский удлинённый",
  "Кофеварка капельная",
];

const AUTHORS = ["Анна", "Сергей", "Мария К.", "Дмитрий", "Екатерина", "Алексей П.", "Ольга", "Иван", "Наталья", "Михаил"];

const sqlArray = (values: string[]) => `ARRAY[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ")}]::text[]`;

/**
 * A seller with `items` items spread over its three accounts, all written by SQL. Returns the
 * seller's id. Items of one seller are stamped over the 60 days before `epoch`.
 */
export async function seedSeller(prisma: PrismaClient, options: { key: string; name: string; items: number; userId: string }) {
  const { key, items } = options;
  const sellerId = `bench-seller-${key}`;
  await prisma.seller.create({ data: { id: sellerId, name: options.name } });
  await prisma.membership.create({ data: { userId: options.userId, sellerId, role: "OWNER" } });
  const marketplaces = ["WILDBERRIES", "OZON", "YANDEX_MARKET"] as const;
  for (const [index, marketplace] of marketplaces.entries()) {
    await prisma.marketplaceAccount.create({
      data: {
        id: `${sellerId}-acc${index}`,
        sellerId,
        marketplace,
        displayName: `${options.name}: ${marketplace}`,
        // Never used to call anything: the read path does not touch credentials.
        credentialsEncrypted: "v1:bench:bench:bench",
      },
    });
  }
  // Channel by position: 60 % reviews, 25 % questions, 15 % chats (Yandex Market has chats only).
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "pros", "cons",
      "rating", "authorName", "productExternalId", "productName", "productArticle", "upstreamCreatedAt", "answered",
      "answerText", "answerState", "read", "lastActivityAt", "updatedAt")
    SELECT '${sellerId}-' || g, '${sellerId}', '${sellerId}-acc' || m, (ARRAY['WILDBERRIES','OZON','YANDEX_MARKET'])[m + 1]::"Marketplace",
      ch::"Channel", 'ext-' || g,
      CASE ch WHEN 'REVIEW' THEN reviews[1 + g % cardinality(reviews)] WHEN 'QUESTION' THEN questions[1 + g % cardinality(questions)]
        ELSE chats[1 + g % cardinality(chats)] END,
      CASE WHEN ch = 'REVIEW' AND g % 4 = 0 THEN 'Удобно, быстро доставили' END,
      CASE WHEN ch = 'REVIEW' AND g % 5 = 0 THEN 'Маломерит на размер' END,
      CASE WHEN ch = 'REVIEW' THEN 1 + (g * 7) % 5 END,
      authors[1 + g % cardinality(authors)], 'sku-' || (g % 500), products[1 + g % cardinality(products)], 'art-' || (g % 500),
      at,
      -- A chat's state follows its messages (as ingest keeps it): answered when the newest is ours,
      -- i.e. when it has an even number of messages (the same count the messages below are made of).
      CASE WHEN ch = 'CHAT' THEN (2 + abs(hashtext('${sellerId}-' || g)) % 5) % 2 = 0 ELSE answered END,
      CASE WHEN answered AND ch <> 'CHAT' THEN 'Спасибо за отзыв! Рады, что товар понравился.' END,
      CASE WHEN answered AND ch <> 'CHAT' THEN 'published' END,
      random() < 0.7, at, now()
    -- random() sits in the innermost select list, so it is drawn per row (not once for the statement).
    FROM (SELECT g, timestamp '2026-10-01' - (random() * interval '60 days') AS at, random() < 0.6 AS answered
          FROM generate_series(1, ${items}) AS g) AS r,
      LATERAL (SELECT CASE WHEN g % 20 < 12 THEN 'REVIEW' WHEN g % 20 < 17 THEN 'QUESTION' ELSE 'CHAT' END AS ch) AS c,
      LATERAL (SELECT CASE WHEN ch = 'CHAT' THEN 2 ELSE g % 2 END AS m) AS a,
      (SELECT ${sqlArray(REVIEW_TEXTS)} AS reviews, ${sqlArray(QUESTION_TEXTS)} AS questions, ${sqlArray(CHAT_LINES)} AS chats,
        ${sqlArray(AUTHORS)} AS authors, ${sqlArray(PRODUCTS)} AS products) AS texts`);
  // Two to six messages per chat, alternating customer and seller, the newest at lastActivityAt.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Message" ("id", "itemId", "externalId", "direction", "text", "authorName", "sentAt")
    SELECT i."id" || '-m' || k, i."id", 'msg-' || k, CASE WHEN k % 2 = 1 THEN 'IN' ELSE 'OUT' END::"MessageDirection",
      CASE WHEN k % 2 = 1 THEN customer[1 + (k + length(i."id")) % cardinality(customer)] ELSE seller[1 + k % cardinality(seller)] END,
      CASE WHEN k % 2 = 1 THEN i."authorName" END,
      i."lastActivityAt" - (n - k) * interval '37 minutes'
    FROM "Item" i,
      LATERAL (SELECT 2 + abs(hashtext(i."id")) % 5 AS n) AS c,
      LATERAL generate_series(1, n) AS k,
      (SELECT ${sqlArray(CHAT_LINES)} AS customer, ${sqlArray(SELLER_LINES)} AS seller) AS texts
    WHERE i."sellerId" = '${sellerId}' AND i."channel" = 'CHAT'`);
  return sellerId;
}

export interface SeededInbox {
  sellerIds: string[];
  sizes: number[];
  messages: number;
}

/** The Zipf-spread sellers of the plan (the small seller is seeded on its own, before). */
export async function seedInbox(prisma: PrismaClient, plan: SeedPlan, userId: string, log: (line: string) => void): Promise<SeededInbox> {
  const sizes = zipfSizes(plan.items, plan.sellers);
  const sellerIds: string[] = [];
  // A bulk load as pg_restore does it: secondary indexes are built once at the end (a sorted build)
  // instead of taking a million random inserts each, and checkpoints are spaced out. Both settings
  // are the bench's own database's; the schema's indexes come back exactly as they were defined.
  await prisma.$executeRawUnsafe(`ALTER SYSTEM SET max_wal_size = '16GB'`);
  await prisma.$executeRawUnsafe(`SELECT pg_reload_conf()`);
  const indexes = await prisma.$queryRawUnsafe<{ name: string; definition: string }[]>(`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN ('Item', 'Message')
      AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid IN ('"Item"'::regclass, '"Message"'::regclass))`);
  for (const index of indexes) await prisma.$executeRawUnsafe(`DROP INDEX "${index.name}"`);
  for (const [rank, items] of sizes.entries()) {
    sellerIds.push(await seedSeller(prisma, { key: `z${rank + 1}`, name: `Продавец №${rank + 1}`, items, userId }));
    if (rank < 3 || rank === sizes.length - 1) log(`seed: seller ${rank + 1}/${sizes.length} with ${items} items`);
  }
  log(`seed: rebuilding ${indexes.length} indexes of Item and Message`);
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '512MB'`);
      for (const index of indexes) await tx.$executeRawUnsafe(index.definition);
    },
    { timeout: 30 * 60_000 },
  );
  // The measured database is in a steady state, as a live one is: visibility map set (index-only
  // scans), statistics fresh, no autovacuum or checkpoint of the load running under the figures.
  await prisma.$executeRawUnsafe(`VACUUM (ANALYZE)`);
  await prisma.$executeRawUnsafe(`CHECKPOINT`);
  await prisma.$executeRawUnsafe(`ALTER SYSTEM RESET max_wal_size`);
  await prisma.$executeRawUnsafe(`SELECT pg_reload_conf()`);
  const messages = await prisma.message.count();
  return { sellerIds, sizes, messages };
}
