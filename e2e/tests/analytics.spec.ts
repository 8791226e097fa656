// Analytics in the browser: a seller of the test's own, with items and replies written straight into
// the database; the page's charts, tables and CSV must show what this file computes from the same
// data set on its own. And sync health on the accounts page: progress, durations, explained errors.
import fs from "node:fs";
import { hashPassword } from "@inbox/api";
import type { Channel, PrismaClient } from "@inbox/db";
import type { Locator, Page } from "@playwright/test";
import { expect, removeTestData, signInThroughApi, test } from "./fixtures";

const HOUR = 3_600_000;
const moscowDay = (at: number) => new Date(at + 3 * HOUR).toISOString().slice(0, 10);

interface Spec {
  marketplace: "WILDBERRIES" | "OZON";
  channel: Channel;
  hoursAgo: number;
  rating: number | null;
  /** Minutes from creation to the first answer; null: unanswered. */
  waitMinutes: number | null;
  article: string;
}

/** 36 items over the last three days; every rating occurs, answers waited 5 minutes to 20 hours. */
function dataSet(): Spec[] {
  const specs: Spec[] = [];
  for (let index = 0; index < 36; index += 1) {
    const channel: Channel = index % 6 === 5 ? "QUESTION" : "REVIEW";
    specs.push({
      marketplace: index % 3 === 0 ? "OZON" : "WILDBERRIES",
      channel,
      hoursAgo: 1.5 + index * 1.7,
      rating: channel === "REVIEW" ? 1 + ((index * 7) % 5) : null,
      waitMinutes: index % 4 === 3 ? null : 5 + ((index * 37) % 1200),
      article: `E2E-${1 + (index % 4)}`,
    });
  }
  // Answers must lie in the past.
  return specs.map((spec) =>
    spec.waitMinutes !== null && spec.waitMinutes * 60_000 >= spec.hoursAgo * HOUR ? { ...spec, waitMinutes: null } : spec,
  );
}

async function createWorld(prisma: PrismaClient, now: number) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = `analytics-${suffix}-password`;
  const user = await prisma.user.create({
    data: { email: `analytics-${suffix}@e2e.local`, name: "Аналитик", passwordHash: await hashPassword(password) },
  });
  const seller = await prisma.seller.create({
    data: { name: `Магазин аналитики ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } },
  });
  // Paused: the workers never try these made-up credentials.
  const accounts = {
    WILDBERRIES: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: "WB", credentialsEncrypted: "v1:a:b:c", paused: true },
    }),
    OZON: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: "Ozon", credentialsEncrypted: "v1:a:b:c", paused: true },
    }),
  };
  const specs = dataSet();
  const items = [];
  for (const [index, spec] of specs.entries()) {
    const createdAt = now - spec.hoursAgo * HOUR;
    items.push(
      await prisma.item.create({
        data: {
          sellerId: seller.id,
          accountId: accounts[spec.marketplace].id,
          marketplace: spec.marketplace,
          channel: spec.channel,
          externalId: `analytics-${suffix}-${index}`,
          text: `Обращение ${index}`,
          rating: spec.rating,
          productExternalId: `pid-${spec.article}`,
          productArticle: spec.article,
          productName: `Товар ${spec.article}`,
          upstreamCreatedAt: new Date(createdAt),
          lastActivityAt: new Date(createdAt),
          answered: spec.waitMinutes !== null,
          firstAnsweredAt: spec.waitMinutes === null ? null : new Date(createdAt + spec.waitMinutes * 60_000),
          replies:
            spec.waitMinutes === null || index % 2 === 1
              ? undefined
              : {
                  create: {
                    authorId: user.id,
                    text: "Спасибо!",
                    status: "SENT",
                    idempotencyKey: `analytics-${suffix}-${index}`,
                    sentAt: new Date(createdAt + spec.waitMinutes * 60_000),
                  },
                },
        },
      }),
    );
  }
  return { user, password, seller, specs, items };
}

function expectedNumbers(specs: Spec[], now: number) {
  const days = [2, 1, 0].map((back) => moscowDay(now - back * 24 * HOUR));
  // Reviews created within the period's days (the oldest items may fall on the day before it).
  const reviews = specs.filter((spec) => spec.channel === "REVIEW" && days.includes(moscowDay(now - spec.hoursAgo * HOUR)));
  const perDay = days.map((day) => {
    const stars = reviews.filter((spec) => moscowDay(now - spec.hoursAgo * HOUR) === day).map((spec) => spec.rating!);
    return { day, reviews: stars.length, average: stars.length ? stars.reduce((a, b) => a + b, 0) / stars.length : null };
  });
  const answersPerDay = days.map((day) => {
    const waits = specs
      .filter((spec) => spec.waitMinutes !== null && moscowDay(now - spec.hoursAgo * HOUR + spec.waitMinutes * 60_000) === day)
      .map((spec) => spec.waitMinutes! * 60)
      .sort((a, b) => a - b);
    return { day, answers: waits.length, p50: waits.length ? waits[Math.ceil(0.5 * waits.length) - 1]! : null };
  });
  const negative = new Map<string, number>();
  for (const spec of reviews) if (spec.rating! <= 2) negative.set(spec.article, (negative.get(spec.article) ?? 0) + 1);
  const unanswered = new Map<string, number>();
  for (const spec of specs) {
    if (spec.waitMinutes !== null) continue;
    const key = `${spec.marketplace === "OZON" ? "Ozon" : "Wildberries"}/${spec.channel === "REVIEW" ? "Отзыв" : "Вопрос"}`;
    unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
  }
  return {
    from: days[0]!,
    to: days.at(-1)!,
    days,
    distribution: [1, 2, 3, 4, 5].map((rating) => reviews.filter((spec) => spec.rating === rating).length),
    perDay,
    answersPerDay,
    negative: [...negative].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    unanswered,
  };
}

function card(page: Page, id: string) {
  return page.getByTestId(`chart-${id}`);
}

async function tableRows(table: Locator, columns: string[]) {
  return table
    .locator("tbody tr")
    .evaluateAll(
      (rows, keys) =>
        rows.map((row) => keys.map((key) => row.querySelector(`td[data-column="${key}"]`)?.textContent?.replace(/\s/g, " ") ?? "")),
      columns,
    );
}

test("the analytics page's charts, tables and CSV show the numbers of a seeded data set", async ({ page, prisma }) => {
  test.setTimeout(60_000); // about twenty steps, several of them a render of every chart (12 s on a quiet machine)
  const now = Date.now();
  const world = await createWorld(prisma, now);
  const want = expectedNumbers(world.specs, now);
  try {
    await signInThroughApi(page, world.user.email, world.password);
    await page.goto(`/s/${world.seller.id}`);
    await page.getByRole("link", { name: "Аналитика", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Аналитика", exact: true })).toBeVisible();
    await page.goto(`/s/${world.seller.id}/analytics?from=${want.from}&to=${want.to}`);

    // Charts are drawn (SVG) for every card with data; the distribution has one bar per rating.
    for (const id of ["unanswered", "response", "members", "distribution", "trend"]) {
      await expect(card(page, id).locator("svg.recharts-surface").first()).toBeVisible();
    }
    await expect(card(page, "distribution").locator(".recharts-bar-rectangle")).toHaveCount(5);
    await expect(card(page, "distribution").getByTestId("chart")).toHaveAttribute("aria-label", /Распределение оценок/);

    // Rating distribution, as a table.
    await card(page, "distribution").getByRole("button", { name: "Таблица" }).click();
    expect(await tableRows(card(page, "distribution").getByTestId("chart-table"), ["rating", "reviews"])).toEqual(
      want.distribution.map((count, index) => [String(index + 1), String(count)]),
    );

    // Rating trend per day.
    await card(page, "trend").getByRole("button", { name: "Таблица" }).click();
    expect(await tableRows(card(page, "trend").getByTestId("chart-table"), ["day", "reviews", "average"])).toEqual(
      want.perDay.map((day) => [day.day, String(day.reviews), day.average === null ? "—" : day.average.toFixed(2)]),
    );

    // Time to first answer: the CSV keeps seconds; the median is the histogram's (within 4.4 %).
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      card(page, "response").getByRole("button", { name: "Скачать CSV" }).click(),
    ]);
    const csv = fs.readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const [header, ...lines] = csv.trim().split("\r\n");
    expect(header).toBe("День,Первых ответов,Медиана,90-й перцентиль");
    const parsed = lines.map((line) => line.split(","));
    expect(parsed.map((cells) => [cells[0], Number(cells[1])])).toEqual(want.answersPerDay.map((day) => [day.day, day.answers]));
    for (const [index, day] of want.answersPerDay.entries()) {
      if (day.p50 === null) continue;
      const reported = Number(parsed[index]![2]);
      expect(Math.abs(Math.log2((1 + reported) / (1 + day.p50)))).toBeLessThanOrEqual(1 / 16 + 0.01);
    }

    // Unanswered now, by marketplace and channel.
    await card(page, "unanswered").getByRole("button", { name: "Таблица" }).click();
    const unanswered = await tableRows(card(page, "unanswered").getByTestId("chart-table"), ["marketplace", "channel", "unanswered"]);
    expect(Object.fromEntries(unanswered.map(([mp, channel, n]) => [`${mp}/${channel}`, Number(n)]))).toEqual(
      Object.fromEntries(want.unanswered),
    );
    await expect(page.getByTestId("tile-unanswered")).toContainText(String([...want.unanswered.values()].reduce((a, b) => a + b, 0)));

    // Products with the most negative reviews, each linking to the inbox filtered on it.
    const products = card(page, "products").getByTestId("chart-table");
    expect(await tableRows(products, ["product", "negative"])).toEqual(want.negative.map(([article, n]) => [article, String(n)]));
    const [topArticle] = want.negative[0]!;
    await expect(products.getByRole("link", { name: "Открыть во входящих" }).first()).toHaveAttribute(
      "href",
      `/s/${world.seller.id}?product=${topArticle}&ratings=1&ratings=2`,
    );
  } finally {
    await removeTestData(prisma, { sellerIds: [world.seller.id], userIds: [world.user.id] });
  }
});

test("the accounts page shows a running sync's progress, readable durations and errors explained with what to do", async ({
  page,
  prisma,
}) => {
  test.slow();
  const suffix = Math.random().toString(36).slice(2, 8);
  const password = `health-${suffix}-password`;
  const user = await prisma.user.create({
    data: { email: `health-${suffix}@e2e.local`, name: "Владелец", passwordHash: await hashPassword(password) },
  });
  const seller = await prisma.seller.create({
    data: { name: `Магазин ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } },
  });
  const now = Date.now();
  const retryAt = new Date(now + 40 * 60_000);
  // A sync in progress: the lease is held (by a worker of the test's imagination), so real workers skip it.
  const account = await prisma.marketplaceAccount.create({
    data: {
      sellerId: seller.id,
      marketplace: "WILDBERRIES",
      displayName: "WB основной",
      credentialsEncrypted: "v1:a:b:c",
      status: "NEEDS_TOKEN",
      statusReason: "TOKEN_CATEGORY_MISSING",
      syncIntervalMinutes: 24 * 60,
      lastSyncedAt: new Date(now),
      syncLeaseOwner: "e2e",
      syncLeaseUntil: new Date(now + 30 * 60_000),
      syncRuns: {
        create: [
          {
            channel: "CHAT",
            status: "FAILED",
            errorReason: "TOKEN_CATEGORY_MISSING",
            startedAt: new Date(now - 60 * 60_000),
            finishedAt: new Date(now - 60 * 60_000 + 800),
          },
          {
            channel: "REVIEW",
            status: "PARTIAL",
            errorReason: "RATE_LIMITED",
            retryAt,
            startedAt: new Date(now - 50 * 60_000),
            finishedAt: new Date(now - 50 * 60_000 + 40),
          },
          {
            channel: "REVIEW",
            status: "SUCCEEDED",
            startedAt: new Date(now - 3 * 60_000),
            finishedAt: new Date(now - 3 * 60_000 + 72_000),
            pages: 5,
            itemsFetched: 480,
          },
          {
            channel: "QUESTION",
            status: "RUNNING",
            startedAt: new Date(now - 20_000),
            pages: 3,
            itemsFetched: 250,
            itemsChanged: 12,
            requests: 3,
          },
        ],
      },
    },
  });
  try {
    await signInThroughApi(page, user.email, password);
    await page.goto(`/s/${seller.id}/accounts`);
    const accountCard = page.locator(`[data-testid="account"][data-account-id="${account.id}"]`);

    const progress = accountCard.getByRole("progressbar", { name: "Ход синхронизации" });
    await expect(progress).toHaveAttribute("aria-valuetext", "Вопрос — канал 2 из 3: страниц 3, получено 250, изменено 12");
    await expect(progress).toHaveAttribute("aria-valuemax", "3");
    await expect(accountCard.getByTestId("sync-progress")).toContainText("получено 250");

    const advice = accountCard.getByTestId("account-advice");
    await expect(advice).toHaveAttribute("data-reason", "TOKEN_CATEGORY_MISSING");
    await expect(advice).toContainText("У токена нет нужной категории");
    await expect(advice).toContainText("Выпустите токен с категориями «Вопросы и отзывы» и «Чат с покупателями»");

    const runs = accountCard.getByTestId("sync-run");
    await expect(runs).toHaveCount(4);
    await expect(runs.nth(0).getByTestId("run-duration")).toHaveText(/^идёт\s\d+\sс$/);
    await expect(runs.nth(1).getByTestId("run-duration")).toHaveText("1 мин 12 с");
    await expect(runs.nth(2).getByTestId("run-duration")).toHaveText("40 мс");
    await expect(runs.nth(2).getByTestId("run-error")).toContainText("Лимит запросов (до ");
    await expect(runs.nth(3).getByTestId("run-error")).toHaveText("У токена нет нужной категории");
    await expect(runs.nth(3).getByTestId("run-duration")).toHaveText("800 мс");
  } finally {
    await removeTestData(prisma, { sellerIds: [seller.id], userIds: [user.id] });
  }
});
