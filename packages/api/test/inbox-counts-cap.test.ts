// Counts that cannot come from the counter rows (search words, product, dates, assignee) read at
// most SAMPLE_CAP + 1 matching items: exact below the cap, "1000+" (`more`) above it, with every facet
// a lower bound taken from the same thousand items. Both sample paths (words, alone or with a
// marketplace, through the search index, several sellers' words alone probed through a random subset
// first; a product through the list's ranges) and the assignee counts.
import { queryRawWithSettings, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_CAP, WORDS_PROBE_LIMIT, WORDS_PROBE_SETTINGS, wordsProbeSettings, wordsSampleQuery } from "../src/services/inbox-counts";
import { constraintsOf } from "../src/services/inbox-list";
import { addMember, callerFor, createUser } from "./fixtures";

const database = useTestDatabase();
const OVER_CAP = SAMPLE_CAP + 150;
const RARE = 40;
/** All of the first seller's 650 items and 400 of the second's 500 are assigned to the user. */
const ASSIGNED_IN_SECOND = 400;

let prisma: PrismaClient;
let userId: string;
let sellerIds: string[];

beforeAll(async () => {
  prisma = database().prisma;
  userId = (await createUser(prisma, "Cap")).id;
  sellerIds = [];
  // Two sellers, so the capped reads stop across sellers, not within one.
  for (const [index, size] of [OVER_CAP - 500, 500].entries()) {
    const seller = await prisma.seller.create({ data: { name: `Лимит ${index}` } });
    const account = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: "Ozon", credentialsEncrypted: "v1:a:b:c" },
    });
    await addMember(prisma, userId, seller.id, "AGENT");
    sellerIds.push(seller.id);
    const at = Date.parse("2026-11-20T12:00:00Z");
    await prisma.item.createMany({
      data: Array.from({ length: size }, (_, n) => ({
        sellerId: seller.id,
        accountId: account.id,
        marketplace: "OZON" as const,
        channel: n % 4 === 3 ? ("QUESTION" as const) : ("REVIEW" as const),
        externalId: `cap-${index}-${n}`,
        // Every item mentions delivery; a few also a defect.
        text: n < RARE / 2 ? "Доставка быстрая, но брак на шве" : "Доставка быстрая, упаковка целая",
        rating: n % 4 === 3 ? null : 1 + (n % 5),
        productName: "Чайник",
        upstreamCreatedAt: new Date(at - n * 60_000),
        lastActivityAt: new Date(at - n * 60_000),
        answered: n % 2 === 0,
        read: n % 3 === 0,
        assigneeId: index === 0 || n < ASSIGNED_IN_SECOND ? userId : null,
      })),
    });
  }
  // A seller nobody here belongs to, whose items also mention delivery: more matches in all than the
  // search index's probe hands over, so the probe reads a random subset of everyone's matches.
  const stranger = await prisma.seller.create({ data: { name: "Чужой" } });
  const strangerAccount = await prisma.marketplaceAccount.create({
    data: { sellerId: stranger.id, marketplace: "WILDBERRIES", displayName: "WB", credentialsEncrypted: "v1:a:b:c" },
  });
  await prisma.item.createMany({
    data: Array.from({ length: 2 * WORDS_PROBE_LIMIT }, (_, n) => ({
      sellerId: stranger.id,
      accountId: strangerAccount.id,
      marketplace: "WILDBERRIES" as const,
      channel: "REVIEW" as const,
      externalId: `stranger-${n}`,
      text: "Доставка долгая",
      upstreamCreatedAt: new Date(Date.parse("2026-11-01T12:00:00Z") - n * 60_000),
      lastActivityAt: new Date(Date.parse("2026-11-01T12:00:00Z") - n * 60_000),
    })),
  });
  // New entries wait in the index's pending list, which is read whole; autovacuum would merge them.
  await prisma.$queryRaw`SELECT gin_clean_pending_list('"Item_seller_search_idx"'::regclass)`;
});

const capped = { count: SAMPLE_CAP, more: true };

describe("counts over the sample cap", () => {
  it.each([
    ["words alone", { q: "доставка" }],
    ["words and a marketplace", { q: "доставка", marketplaces: ["ozon" as const] }],
    ["a product", { product: "Чайник" }],
  ])("with %s, say 1000+ and keep every facet a lower bound of the same thousand items", async (_, filter) => {
    const counts = await callerFor(prisma, userId).inbox.countsAll(filter);
    expect(counts.exact).toBe(false);
    expect(counts.total).toEqual(capped);
    const { answered, unanswered, reply_pending, reply_failed } = counts.status;
    expect(answered.count + unanswered.count).toBe(SAMPLE_CAP);
    expect([answered, unanswered].every((count) => count.more && count.count > 0)).toBe(true);
    expect(reply_pending.count + reply_failed.count).toBe(0);
    expect(counts.channels.review.count + counts.channels.question.count).toBe(SAMPLE_CAP);
    expect(counts.channels.chat).toEqual({ count: 0, more: true });
    expect(counts.unread.count).toBeLessThan(SAMPLE_CAP);
  });

  it("are exact when the search index's random probe holds fewer than the cap of the sellers' matches", async () => {
    // Two sellers, one without any match: the probe reads the words' key alone and would undercount
    // the second seller's 500 matches of the 11 150 in the table.
    const empty = await prisma.seller.create({ data: { name: "Без отзывов" } });
    const probe = await queryRawWithSettings<Array<{ items: number }>>(
      prisma,
      WORDS_PROBE_SETTINGS,
      wordsSampleQuery([sellerIds[1]!, empty.id], constraintsOf({ q: "доставка" }))!.probe!,
    );
    const probed = probe.reduce((sum, row) => sum + row.items, 0);
    expect(probed).toBeGreaterThan(0);
    expect(probed).toBeLessThan(500);
    const member = await createUser(prisma, "Second and empty");
    await addMember(prisma, member.id, sellerIds[1]!, "AGENT");
    await addMember(prisma, member.id, empty.id, "AGENT");
    const counts = await callerFor(prisma, member.id).inbox.countsAll({ q: "доставка" });
    expect(counts.total).toEqual({ count: 500, more: false });
    expect(counts.channels.question).toEqual({ count: 125, more: false });
    // One seller: its own key in the index, so the probe holds all of its matches.
    const one = await callerFor(prisma, member.id).inbox.counts({ sellerId: sellerIds[1]!, q: "доставка" });
    expect(one.total).toEqual({ count: 500, more: false });
    // Both first sellers: 1 150 matches, more than the probe's share of them holds, still "1000+".
    expect((await callerFor(prisma, userId).inbox.countsAll({ q: "доставка" })).total).toEqual(capped);
  });

  it("with words on one marketplace across sellers, say 1000+ for a marketplace with most of the matches and count a small one exactly", async () => {
    // The stranger's 10 000 Wildberries matches and the first seller's 650 Ozon ones: a member of both.
    const stranger = await prisma.seller.findFirstOrThrow({ where: { name: "Чужой" } });
    const member = await createUser(prisma, "Stranger and first");
    await addMember(prisma, member.id, stranger.id, "AGENT");
    await addMember(prisma, member.id, sellerIds[0]!, "AGENT");
    const caller = callerFor(prisma, member.id);
    // Wildberries: 94 % of the sellers' items, probed (a random 5 000 of the 11 150 matches hold ~4 500).
    const wildberries = await caller.inbox.countsAll({ q: "доставка", marketplaces: ["wildberries"] });
    expect(wildberries.total).toEqual(capped);
    expect(wildberries.channels.review).toEqual(capped);
    expect(wildberries.channels.question).toEqual({ count: 0, more: true });
    // Ozon: 6 %, too small a share for a probe (it would hold ~290 of the 650 and prove nothing): exact.
    const ozon = await caller.inbox.countsAll({ q: "доставка", marketplaces: ["ozon"] });
    expect(ozon.total).toEqual({ count: OVER_CAP - 500, more: false });
    expect(ozon.channels.question).toEqual({ count: Math.floor((OVER_CAP - 500) / 4), more: false });
  });

  it("size the words probe by the share of the sellers' items its marketplaces hold, and never probe with ratings", () => {
    const bucket = (marketplace: "OZON" | "WILDBERRIES" | "YANDEX_MARKET", items: number) => ({
      sellerId: "s",
      marketplace,
      channel: "REVIEW" as const,
      answered: false,
      read: false,
      replyState: "NONE" as const,
      rating: 5,
      items,
    });
    const buckets = [bucket("OZON", 400), bucket("WILDBERRIES", 450), bucket("YANDEX_MARKET", 150)];
    const limit = (filter: Parameters<typeof constraintsOf>[0]) =>
      wordsProbeSettings(buckets, constraintsOf({ q: "доставка", ...filter }))?.gin_fuzzy_search_limit ?? null;
    expect(limit({})).toBe(WORDS_PROBE_LIMIT);
    expect(limit({ marketplaces: ["wildberries", "ozon"] })).toBe(WORDS_PROBE_LIMIT); // 85 %: 2 500 ÷ 0.85 < 5 000
    expect(limit({ marketplaces: ["ozon"] })).toBe(6250); // 40 %
    expect(limit({ marketplaces: ["yandex-market"] })).toBe(null); // 15 %: the exact read
    expect(wordsProbeSettings([], constraintsOf({ q: "доставка" }))).toBe(null);
    const both = [sellerIds[0]!, sellerIds[1]!];
    expect(wordsSampleQuery(both, constraintsOf({ q: "доставка", marketplaces: ["ozon"] }))!.probe).not.toBe(null);
    expect(wordsSampleQuery(both, constraintsOf({ q: "доставка", ratings: [1] }))!.probe).toBe(null);
    expect(wordsSampleQuery([sellerIds[0]!], constraintsOf({ q: "доставка" }))!.probe).toBe(null);
  });

  it("are exact below the cap, alone and with a facet filter", async () => {
    const caller = callerFor(prisma, userId);
    const rare = await caller.inbox.countsAll({ q: "брак" });
    expect(rare.total).toEqual({ count: RARE, more: false });
    expect(rare.status.answered).toEqual({ count: RARE / 2, more: false });
    expect(rare.channels.question).toEqual({ count: RARE / 4, more: false });
    const unansweredQuestions = await caller.inbox.countsAll({ q: "брак", status: "unanswered", channels: ["question"] });
    expect(unansweredQuestions.total).toEqual({ count: RARE / 4, more: false });
    expect(unansweredQuestions.status.answered).toEqual({ count: 0, more: false });
  });

  it("count the items assigned to me and to nobody up to the cap, across sellers", async () => {
    const counts = await callerFor(prisma, userId).inbox.countsAll({});
    expect(counts.assignee?.me).toEqual(capped);
    expect(counts.assignee?.none).toEqual({ count: 500 - ASSIGNED_IN_SECOND, more: false });
    const other = await createUser(prisma, "Other");
    await addMember(prisma, other.id, sellerIds[1]!, "AGENT");
    const theirs = await callerFor(prisma, other.id).inbox.countsAll({});
    expect(theirs.assignee).toEqual({ me: { count: 0, more: false }, none: { count: 500 - ASSIGNED_IN_SECOND, more: false } });
    expect((await callerFor(prisma, userId).inbox.countsAll({ assignee: "none" })).assignee?.none).toEqual({
      count: 500 - ASSIGNED_IN_SECOND,
      more: false,
    });
  });

  it("leave out the assignee counts under any filter but sellers and assignee, which they could not follow", async () => {
    const caller = callerFor(prisma, userId);
    for (const filter of [
      { q: "брак" },
      { status: "unanswered" as const },
      { channels: ["question" as const] },
      { ratings: [1] },
      { unread: true },
    ]) {
      expect((await caller.inbox.countsAll(filter)).assignee).toBe(null);
    }
    expect((await caller.inbox.countsAll({ sellerIds: [sellerIds[1]!] })).assignee).not.toBe(null);
  });
});
