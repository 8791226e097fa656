// Analytics computed by PostgreSQL (rollups kept by triggers) against the same numbers computed here
// in plain TypeScript from the data set the test generated, never from the database's own SQL.
import type { Channel, Marketplace, PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "@inbox/connectors/sandbox";
import { moscowToday } from "../src/services/analytics";
import { addMember, callerFor, createUser } from "./fixtures";

const database = useTestDatabase();

const HOUR = 3_600_000;
const moscowDay = (at: number) => new Date(at + 3 * HOUR).toISOString().slice(0, 10);

interface SeededItem {
  sellerId: string;
  accountId: string;
  marketplace: Marketplace;
  channel: Channel;
  createdAt: number;
  rating: number | null;
  answered: boolean;
  firstAnsweredAt: number | null;
  article: string;
}

interface SeededReply {
  itemIndex: number;
  authorId: string | null;
  sentAt: number;
}

/**
 * A seller with a Wildberries and an Ozon account and `count` items spread over the last 12 days:
 * reviews, questions and chats; 1–5 stars; answered after waits from 20 s to 3 days, or unanswered;
 * some answered before Inbox saw them (first-answer time unknown). Creation times sit on half hours,
 * so the overdue cutoffs (whole hours back from now) never fall within seconds of an item.
 */
async function seedSeller(prisma: PrismaClient, name: string, count: number, seed: number, now: number) {
  const random = new SeededRandom(seed);
  const next = () => random.next();
  const seller = await prisma.seller.create({ data: { name } });
  const accounts = {
    WILDBERRIES: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: `${name} WB`, credentialsEncrypted: "v1:a:b:c" },
    }),
    OZON: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: `${name} Ozon`, credentialsEncrypted: "v1:a:b:c" },
    }),
  };
  const items: SeededItem[] = [];
  for (let index = 0; index < count; index += 1) {
    const marketplace: Marketplace = next() < 0.55 ? "WILDBERRIES" : "OZON";
    const roll = next();
    const channel: Channel = roll < 0.6 ? "REVIEW" : roll < 0.85 ? "QUESTION" : "CHAT";
    const createdAt = now - (Math.floor(next() * 288) + 0.5) * HOUR;
    const stars = next();
    const rating = channel === "REVIEW" ? (stars < 0.15 ? 1 : stars < 0.25 ? 2 : stars < 0.35 ? 3 : stars < 0.55 ? 4 : 5) : null;
    const wait = Math.round(20 * Math.pow(2, next() * 13.7)); // 20 s … ~3 days, log-uniform
    const outcome = next();
    const answeredInInbox = outcome < 0.6 && createdAt + wait * 1000 < now - 60_000;
    const answeredBefore = !answeredInInbox && outcome > 0.9;
    items.push({
      sellerId: seller.id,
      accountId: accounts[marketplace].id,
      marketplace,
      channel,
      createdAt,
      rating,
      answered: answeredInInbox || answeredBefore,
      firstAnsweredAt: answeredInInbox ? createdAt + wait * 1000 : null,
      article: `ART-${name}-${1 + Math.floor(next() * 6)}`,
    });
  }
  // One multi-row INSERT, as ingest writes a page.
  const created = await prisma.item.createManyAndReturn({
    data: items.map((item, index) => ({
      sellerId: item.sellerId,
      accountId: item.accountId,
      marketplace: item.marketplace,
      channel: item.channel,
      externalId: `${name}-${index}`,
      text: `Обращение ${index} к продавцу ${name}`,
      rating: item.rating,
      productExternalId: `pid-${item.article}`,
      productArticle: item.article,
      productName: `Товар ${item.article}`,
      upstreamCreatedAt: new Date(item.createdAt),
      lastActivityAt: new Date(item.createdAt),
      answered: item.answered,
      firstAnsweredAt: item.firstAnsweredAt === null ? null : new Date(item.firstAnsweredAt),
    })),
    select: { id: true, externalId: true },
  });
  const ids = created.sort((a, b) => Number(a.externalId.split("-").at(-1)) - Number(b.externalId.split("-").at(-1))).map((row) => row.id);
  return { seller, accounts, items, ids };
}

/** Nearest-rank percentile of a list of numbers. */
function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1]!;
}

/** The histogram reports the middle of the bucket holding the exact percentile: within 2^(1/16) on (1 + wait). */
function expectWaitClose(reported: number | null | undefined, exactSeconds: number) {
  expect(reported).not.toBeNull();
  const ratio = Math.log2((1 + reported!) / (1 + exactSeconds));
  expect(Math.abs(ratio)).toBeLessThanOrEqual(1 / 16 + 0.01);
}

function expected(
  items: SeededItem[],
  replies: SeededReply[],
  period: { from: string; to: string },
  targets: Record<string, number>,
  now: number,
) {
  const inPeriod = (at: number) => moscowDay(at) >= period.from && moscowDay(at) <= period.to;
  const ratingsByDay = new Map<string, number[]>();
  for (const item of items) {
    if (item.channel !== "REVIEW" || !inPeriod(item.createdAt)) continue;
    const day = moscowDay(item.createdAt);
    ratingsByDay.set(day, [...(ratingsByDay.get(day) ?? []), item.rating!]);
  }
  const waitsByDay = new Map<string, number[]>();
  for (const item of items) {
    if (item.firstAnsweredAt === null || !inPeriod(item.firstAnsweredAt)) continue;
    const day = moscowDay(item.firstAnsweredAt);
    waitsByDay.set(day, [...(waitsByDay.get(day) ?? []), (item.firstAnsweredAt - item.createdAt) / 1000]);
  }
  const answers = new Map<string, number>();
  for (const reply of replies) {
    if (!inPeriod(reply.sentAt)) continue;
    const key = `${reply.authorId ?? ""}/${moscowDay(reply.sentAt)}`;
    answers.set(key, (answers.get(key) ?? 0) + 1);
  }
  const unanswered = new Map<string, number>();
  const overdue = new Map<string, number>();
  for (const item of items) {
    if (item.answered) continue;
    const key = `${item.marketplace.toLowerCase()}/${item.channel.toLowerCase()}`;
    unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
    if (item.createdAt < now - targets[item.sellerId]! * 60_000) overdue.set(key, (overdue.get(key) ?? 0) + 1);
  }
  const negative = new Map<string, { sellerId: string; product: string; negative: number; r1: number; r2: number }>();
  for (const item of items) {
    if (item.channel !== "REVIEW" || item.rating! > 2 || !inPeriod(item.createdAt)) continue;
    const key = `${item.sellerId}/${item.article}`;
    const entry = negative.get(key) ?? { sellerId: item.sellerId, product: item.article, negative: 0, r1: 0, r2: 0 };
    entry.negative += 1;
    if (item.rating === 1) entry.r1 += 1;
    else entry.r2 += 1;
    negative.set(key, entry);
  }
  const oldestOverdue = items
    .filter((item) => !item.answered && item.createdAt < now - targets[item.sellerId]! * 60_000)
    .sort((a, b) => a.createdAt - b.createdAt)[0];
  return {
    ratingsByDay,
    waitsByDay,
    allWaits: [...waitsByDay.values()].flat(),
    answers,
    unanswered,
    overdue,
    oldestOverdue,
    negative: [...negative.values()].sort((a, b) => b.negative - a.negative || (a.product < b.product ? -1 : 1)).slice(0, 10),
  };
}

type AnalyticsResult = Awaited<ReturnType<ReturnType<typeof callerFor>["analytics"]["seller"]>>;

function checkAgainst(result: AnalyticsResult, want: ReturnType<typeof expected>) {
  // Ratings: per day, per star, the average and the distribution.
  for (const day of result.ratings.days) {
    const stars = want.ratingsByDay.get(day.day) ?? [];
    expect([day.r1, day.r2, day.r3, day.r4, day.r5], day.day).toEqual([1, 2, 3, 4, 5].map((r) => stars.filter((s) => s === r).length));
    expect(day.reviews).toBe(stars.length);
    if (stars.length === 0) expect(day.average).toBeNull();
    // The average is rounded to two places: within half a hundredth of the exact one (2.925 may show as 2.93).
    else expect(Math.abs(day.average! - stars.reduce((a, b) => a + b, 0) / stars.length), day.day).toBeLessThanOrEqual(0.005 + 1e-9);
  }
  const allStars = [...want.ratingsByDay.values()].flat();
  expect(result.ratings.distribution.map((entry) => entry.reviews)).toEqual(
    [1, 2, 3, 4, 5].map((r) => allStars.filter((s) => s === r).length),
  );

  // First answers: count per day exact, median and p90 within the histogram's resolution.
  for (const day of result.responseTimes.days) {
    const waits = want.waitsByDay.get(day.day) ?? [];
    expect(day.answers, day.day).toBe(waits.length);
    if (waits.length === 0) {
      expect(day.p50Seconds).toBeNull();
      continue;
    }
    expectWaitClose(day.p50Seconds, percentile(waits, 0.5));
    expectWaitClose(day.p90Seconds, percentile(waits, 0.9));
  }
  expect(result.responseTimes.overall?.answers).toBe(want.allWaits.length);
  expectWaitClose(result.responseTimes.overall?.p50Seconds, percentile(want.allWaits, 0.5));
  expectWaitClose(result.responseTimes.overall?.p90Seconds, percentile(want.allWaits, 0.9));

  // Answers per member and day.
  const got = new Map<string, number>();
  result.answersByMember.days.forEach((day) =>
    day.answers.forEach((n, index) => {
      if (n > 0) got.set(`${result.answersByMember.members[index]!.userId ?? ""}/${day.day}`, n);
    }),
  );
  expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want.answers].sort()));

  // Waiting now, by marketplace and channel.
  const asMap = (rows: { marketplace: string; channel: string; items: number }[]) =>
    Object.fromEntries(rows.map((row) => [`${row.marketplace}/${row.channel}`, row.items]).sort());
  expect(asMap(result.unanswered)).toEqual(Object.fromEntries([...want.unanswered].sort()));
  expect(asMap(result.overdue)).toEqual(Object.fromEntries([...want.overdue].sort()));
  expect(result.longestWaiting[0]?.lastActivityAt.getTime()).toBe(want.oldestOverdue?.createdAt);

  // Products with the most negative reviews.
  expect(result.negativeProducts.map(({ sellerId, product, negative, r1, r2 }) => ({ sellerId, product, negative, r1, r2 }))).toEqual(
    want.negative,
  );
}

describe("analytics", () => {
  it("match an independent computation over a seeded data set, per seller and across the caller's sellers", async () => {
    const { prisma } = database();
    const now = Date.now();
    const owner = await createUser(prisma, "Owner");
    const agent = await createUser(prisma, "Agent");
    const first = await seedSeller(prisma, "Первый", 420, 11, now);
    const second = await seedSeller(prisma, "Второй", 260, 12, now);
    const foreign = await seedSeller(prisma, "Чужой", 150, 13, now);
    for (const { seller } of [first, second]) await addMember(prisma, owner.id, seller.id, "OWNER");
    await addMember(prisma, agent.id, first.seller.id, "AGENT");
    await addMember(prisma, agent.id, foreign.seller.id, "OWNER");

    // Replies delivered from Inbox, by two members and one without an author: half inserted SENT,
    // half queued and then marked SENT (the delivery path), so both triggers are exercised.
    const replies: (SeededReply & { sellerIndex: number })[] = [];
    for (const [sellerIndex, world] of [first, second].entries()) {
      world.items.forEach((item, itemIndex) => {
        if (item.firstAnsweredAt === null || itemIndex % 3 === 0) return;
        const authorId = itemIndex % 5 === 0 ? null : itemIndex % 2 === 0 ? owner.id : agent.id;
        replies.push({ sellerIndex, itemIndex, authorId, sentAt: item.firstAnsweredAt });
      });
    }
    const worlds = [first, second];
    const asRow = (reply: (typeof replies)[number], status: "SENT" | "PENDING") => ({
      itemId: worlds[reply.sellerIndex]!.ids[reply.itemIndex]!,
      authorId: reply.authorId,
      text: "Спасибо за отзыв!",
      status,
      idempotencyKey: `seed-${reply.sellerIndex}-${reply.itemIndex}`,
      sentAt: status === "SENT" ? new Date(reply.sentAt) : null,
    });
    const half = Math.floor(replies.length / 2);
    await prisma.reply.createMany({ data: replies.slice(0, half).map((reply) => asRow(reply, "SENT")) });
    await prisma.reply.createMany({ data: replies.slice(half).map((reply) => asRow(reply, "PENDING")) });
    for (const reply of replies.slice(half)) {
      await prisma.reply.updateMany({
        where: { idempotencyKey: `seed-${reply.sellerIndex}-${reply.itemIndex}` },
        data: { status: "SENT", sentAt: new Date(reply.sentAt) },
      });
    }

    // Later edits move items between rollup keys: a changed rating, an answer time corrected.
    const edited = first.items.findIndex((item) => item.channel === "REVIEW" && item.rating === 5);
    first.items[edited]!.rating = 1;
    await prisma.item.update({ where: { id: first.ids[edited]! }, data: { rating: 1 } });
    const moved = first.items.findIndex((item) => item.firstAnsweredAt !== null && item.firstAnsweredAt < now - 48 * HOUR);
    first.items[moved]!.firstAnsweredAt = first.items[moved]!.createdAt + 90_000;
    await prisma.item.update({
      where: { id: first.ids[moved]! },
      data: { firstAnsweredAt: new Date(first.items[moved]!.firstAnsweredAt!) },
    });

    const caller = callerFor(prisma, owner.id);
    await caller.analytics.setAnswerTarget({ sellerId: first.seller.id, answerTargetMinutes: 6 * 60 });
    const targets = { [first.seller.id]: 6 * 60, [second.seller.id]: 24 * 60 };
    const period = { from: moscowDay(now - 9 * 24 * HOUR), to: moscowToday(new Date(now)) };

    const one = await caller.analytics.seller({ sellerId: first.seller.id, ...period });
    expect(one.period.days).toHaveLength(10);
    checkAgainst(
      one,
      expected(
        first.items,
        replies.filter((reply) => reply.sellerIndex === 0),
        period,
        targets,
        now,
      ),
    );
    expect(one.answersByMember.members.map((member) => member.name).sort()).toEqual(["Agent", "Owner", null].sort());

    const all = await caller.analytics.allSellers(period);
    checkAgainst(all, expected([...first.items, ...second.items], replies, period, targets, now));
    expect(all.sellers.map((seller) => seller.id).sort()).toEqual([first.seller.id, second.seller.id].sort());

    // Access: an agent reads but cannot set the target; a stranger's seller is not found.
    const agentCaller = callerFor(prisma, agent.id);
    await expect(agentCaller.analytics.seller({ sellerId: first.seller.id, ...period })).resolves.toBeTruthy();
    await expect(agentCaller.analytics.setAnswerTarget({ sellerId: first.seller.id, answerTargetMinutes: 60 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(caller.analytics.seller({ sellerId: foreign.seller.id, ...period })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.analytics.seller({ sellerId: first.seller.id, from: period.to, to: period.from })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    // A day PostgreSQL has no date for (year 0) is the caller's mistake, not the server's.
    await expect(caller.analytics.allSellers({ from: "0000-01-01", to: "0000-01-02" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
