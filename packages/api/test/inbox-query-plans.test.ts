// The inbox's statements, as the service builds them, against a table big enough for the planner to
// prefer indexes: every page is an index seek that reads about a page of rows, the cursor is an
// index condition, and counts never touch Item or Message. Dropping an index the read path needs
// fails these checks (proved at the end).
import { Prisma, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, describe, expect, it } from "vitest";
import { toDbChannel, toDbMarketplace } from "../src/services/enums";
import { inboxCountsQuery, inboxPageQuery, listInbox, type InboxPageParams } from "../src/services/inbox";
import { encodeInboxCursor } from "../src/services/inbox-cursor";

const database = useTestDatabase();
const LIMIT = 30;
const BIG_SELLER = "plan-seller-1";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Rows Removed by Filter"?: number;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function explain(prisma: Pick<PrismaClient, "$queryRaw">, query: Prisma.Sql): Promise<PlanNode[]> {
  const [row] = await prisma.$queryRaw<Array<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>>(
    Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`,
  );
  return nodes(row!["QUERY PLAN"][0]!.Plan);
}

const touches = (node: PlanNode, table: string) => node["Relation Name"] === table;

/** A page: Item read only through index seeks, no rows thrown away, about a page of rows read. */
function assertPageIsSeek(plan: PlanNode[], options: { cursor: boolean }) {
  const itemScans = plan.filter((node) => touches(node, "Item"));
  expect(itemScans.length).toBeGreaterThan(0);
  for (const scan of itemScans) {
    expect(scan["Node Type"], JSON.stringify(scan)).toMatch(/^Index (Only )?Scan$/);
    expect(scan["Rows Removed by Filter"] ?? 0, `${scan["Index Name"]} filtered rows out`).toBe(0);
    expect(scan["Index Cond"]).toContain('"sellerId" =');
    if (options.cursor) {
      expect(scan["Index Cond"], "the cursor must be an index condition").toMatch(/ROW\("lastActivityAt", id\) < ROW/);
      expect(scan.Filter ?? "").not.toContain("lastActivityAt");
    }
  }
  // A merge of N ordered ranges reads the page plus at most one look-ahead row per range.
  const rowsRead = itemScans.reduce((sum, scan) => sum + scan["Actual Rows"] * scan["Actual Loops"], 0);
  expect(rowsRead).toBeLessThanOrEqual(LIMIT + 1 + itemScans.length);
  for (const node of plan) {
    if (touches(node, "Item") || touches(node, "Reply"))
      expect(node["Node Type"], "no table is read in full").not.toMatch(/Seq Scan|Bitmap/);
    if (touches(node, "Message")) throw new Error("the page must not read Message");
    if (touches(node, "Reply")) expect(node["Actual Loops"]).toBeLessThanOrEqual(LIMIT + 1);
  }
}

function assertCountsSkipItems(plan: PlanNode[]) {
  expect(plan.some((node) => touches(node, "InboxCount"))).toBe(true);
  for (const node of plan) {
    expect(touches(node, "Item") || touches(node, "Message"), "counts must not read Item or Message").toBe(false);
    // A seller's counter rows (at most accounts × 12), never every seller's.
    if (touches(node, "InboxCount")) expect(node["Node Type"]).toMatch(/Index/);
  }
}

/** The cursor the list hands out after `pages` pages: the last row of page `pages`. */
async function cursorAfter(prisma: PrismaClient, params: Omit<InboxPageParams, "limit" | "cursor">, pages: number) {
  const last = await prisma.item.findFirstOrThrow({
    where: {
      sellerId: BIG_SELLER,
      ...(params.marketplace && { marketplace: toDbMarketplace(params.marketplace) }),
      ...(params.channel && { channel: toDbChannel(params.channel) }),
      ...(params.status && { answered: params.status === "answered" }),
      ...(params.read !== undefined && { read: params.read }),
    },
    orderBy: [{ lastActivityAt: "desc" }, { id: "desc" }],
    skip: pages * LIMIT - 1,
    select: { lastActivityAt: true, id: true },
  });
  return encodeInboxCursor(last);
}

const CASES: Array<{ name: string; params: Omit<InboxPageParams, "limit" | "cursor"> }> = [
  { name: "all items", params: {} },
  { name: "unanswered", params: { status: "unanswered" } },
  { name: "answered", params: { status: "answered" } },
  { name: "unread", params: { read: false } },
  { name: "unanswered and unread", params: { status: "unanswered", read: false } },
  { name: "one marketplace", params: { marketplace: "yandex-market" } },
  { name: "one channel", params: { channel: "chat" } },
  { name: "every filter at once", params: { marketplace: "ozon", channel: "question", status: "unanswered", read: false } },
];

beforeAll(async () => {
  const { prisma } = database();
  // 30,000 items over 6 sellers (one with 20,000), realistic mixes of marketplaces, channels and states.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Seller" ("id", "name", "updatedAt") SELECT 'plan-seller-' || g, 'Seller ' || g, now() FROM generate_series(1, 6) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "MarketplaceAccount" ("id", "sellerId", "marketplace", "displayName", "credentialsEncrypted", "updatedAt")
    SELECT s."id" || '-' || m.key, s."id", m.marketplace::"Marketplace", m.key, 'v1:a:b:c', now()
    FROM "Seller" s CROSS JOIN (VALUES ('wb', 'WILDBERRIES'), ('oz', 'OZON'), ('ym', 'YANDEX_MARKET')) AS m(key, marketplace)`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "rating",
      "upstreamCreatedAt", "answered", "read", "lastActivityAt", "updatedAt")
    SELECT s.seller || '-' || g, s.seller, s.seller || '-' || (ARRAY['wb', 'oz', 'ym'])[m], (ARRAY['WILDBERRIES', 'OZON', 'YANDEX_MARKET'])[m]::"Marketplace",
      (CASE WHEN h % 10 < 7 THEN 'REVIEW' WHEN h % 10 < 9 THEN 'QUESTION' ELSE 'CHAT' END)::"Channel",
      'ext-' || g, 'Отзыв ' || g || ': товар хороший, доставка быстрая ' || md5(g::text), 1 + h % 5,
      at, (h / 10) % 10 < 6, (h / 100) % 10 < 7, at, now()
    FROM (VALUES ('plan-seller-1', 20000), ('plan-seller-2', 2000), ('plan-seller-3', 2000), ('plan-seller-4', 2000),
                 ('plan-seller-5', 2000), ('plan-seller-6', 2000)) AS s(seller, n)
    CROSS JOIN LATERAL generate_series(1, s.n) g
    CROSS JOIN LATERAL (SELECT abs(hashtext(s.seller || g)) AS h) hashed
    CROSS JOIN LATERAL (SELECT 1 + (h / 1000 % 10 >= 5)::int + (h / 1000 % 10 >= 8)::int AS m,
                               timestamp '2026-11-30' - g * interval '1 minute' - (h % 2) * interval '1 second' AS at) derived`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Message" ("id", "itemId", "externalId", "direction", "text", "sentAt")
    SELECT i."id" || '-m' || k, i."id", 'm' || k, (CASE WHEN k % 2 = 0 THEN 'OUT' ELSE 'IN' END)::"MessageDirection",
      'Сообщение ' || k, i."lastActivityAt" - (5 - k) * interval '1 minute'
    FROM "Item" i CROSS JOIN generate_series(1, 4) k WHERE i."channel" = 'CHAT'`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Reply" ("id", "itemId", "text", "status", "idempotencyKey", "updatedAt")
    SELECT 'r-' || i."id", i."id", 'Спасибо!', 'SENT', 'k-' || i."id", now() FROM "Item" i WHERE i."answered" AND abs(hashtext(i."id")) % 3 = 0`);
  // A long tail of small sellers, so a counter table read in full would show.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Seller" ("id", "name", "updatedAt") SELECT 'tail-seller-' || g, 'Tail ' || g, now() FROM generate_series(1, 2000) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "MarketplaceAccount" ("id", "sellerId", "marketplace", "displayName", "credentialsEncrypted", "updatedAt")
    SELECT "id" || '-wb', "id", 'WILDBERRIES', 'WB', 'v1:a:b:c', now() FROM "Seller" WHERE "id" LIKE 'tail-%'`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "upstreamCreatedAt", "lastActivityAt", "updatedAt")
    SELECT "id" || '-1', "sellerId", "id", 'WILDBERRIES', 'REVIEW', 'ext-1', 'Отзыв', now(), now(), now() FROM "MarketplaceAccount" WHERE "id" LIKE 'tail-%'`);
  await prisma.$executeRawUnsafe(`ANALYZE`);
});

describe("inbox query plans", () => {
  it.each(CASES)("the first page ($name) is an index seek reading about one page", async ({ params }) => {
    const { prisma } = database();
    assertPageIsSeek(await explain(prisma, inboxPageQuery(BIG_SELLER, { ...params, limit: LIMIT })), { cursor: false });
  });

  it.each(CASES)("the page 50 pages deep ($name) seeks with the cursor as an index condition", async ({ params }) => {
    const { prisma } = database();
    const cursor = await cursorAfter(prisma, params, params.marketplace && params.channel ? 5 : 50);
    assertPageIsSeek(await explain(prisma, inboxPageQuery(BIG_SELLER, { ...params, limit: LIMIT, cursor })), { cursor: true });
  });

  it("counts read only the counter rows, with or without a marketplace and channel filter", async () => {
    const { prisma } = database();
    assertCountsSkipItems(await explain(prisma, inboxCountsQuery(BIG_SELLER, {})));
    assertCountsSkipItems(await explain(prisma, inboxCountsQuery(BIG_SELLER, { marketplace: "ozon", channel: "chat" })));
  });

  it("a filtered page merges the matching ranges in inbox order, page after page", async () => {
    const { prisma } = database();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 4; page += 1) {
      const result: Awaited<ReturnType<typeof listInbox>> = await listInbox(prisma, BIG_SELLER, {
        status: "unanswered",
        read: false,
        limit: LIMIT,
        cursor,
      });
      seen.push(...result.items.map((item) => item.id));
      cursor = result.nextCursor;
    }
    const expected = await prisma.item.findMany({
      where: { sellerId: BIG_SELLER, answered: false, read: false },
      orderBy: [{ lastActivityAt: "desc" }, { id: "desc" }],
      take: 4 * LIMIT,
      select: { id: true },
    });
    expect(seen).toEqual(expected.map((item) => item.id));
  });

  it("lists the newest message of a chat and its message count from the stored summary", async () => {
    const { prisma } = database();
    const page = await listInbox(prisma, BIG_SELLER, { channel: "chat", limit: 3 });
    expect(page.items).toHaveLength(3);
    for (const item of page.items) {
      expect(item).toMatchObject({ text: "Сообщение 4", messageCount: 4 });
    }
  });

  it("fails when an index the read path relies on is gone", async () => {
    const { prisma } = database();
    for (const index of [
      "Item_sellerId_lastActivityAt_id_idx",
      "Item_sellerId_answered_lastActivityAt_id_idx",
      "Item_sellerId_read_lastActivityAt_id_idx",
      "Item_bucket_activity_idx",
    ]) {
      const outcome = await prisma
        .$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`DROP INDEX "${index}"`);
          for (const { params } of CASES) {
            assertPageIsSeek(await explain(tx, inboxPageQuery(BIG_SELLER, { ...params, limit: LIMIT })), { cursor: false });
          }
          throw new Error("all plans still passed");
        })
        .catch((error: Error) => error);
      // A plan assertion must be what failed, not the DROP (a misspelt index name) or the query.
      expect(outcome, `without ${index}`).toMatchObject({ name: "AssertionError" });
    }
  });
});
