// An inbox page read again sends its rows' statement with the counters' read, planned as the last
// time (services/inbox-list.ts, readBucketsAndRows); what it lists must still follow the counters.
import type { Channel, Marketplace, PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, describe, expect, it } from "vitest";
import { listInboxPage, type InboxSeller } from "../src/services/inbox-list";

const database = useTestDatabase();

let prisma: PrismaClient;
let seller: InboxSeller;
const accounts: Partial<Record<Marketplace, string>> = {};
let serial = 0;

async function addItem(marketplace: Marketplace, channel: Channel, minutesAgo: number) {
  const at = new Date(Date.parse("2026-12-01T12:00:00Z") - minutesAgo * 60_000);
  serial += 1;
  return prisma.item.create({
    data: {
      sellerId: seller.id,
      accountId: accounts[marketplace]!,
      marketplace,
      channel,
      externalId: `plan-${serial}`,
      text: `Отзыв ${serial}`,
      rating: channel === "REVIEW" ? 4 : null,
      upstreamCreatedAt: at,
      lastActivityAt: at,
      answered: false,
      read: false,
    },
  });
}

const reviews = (limit = 10) => listInboxPage(prisma, [seller], { channels: ["review"] }, { limit });
const ids = (page: Awaited<ReturnType<typeof reviews>>) => page.items.map((item) => item.id);

beforeAll(async () => {
  prisma = database().prisma;
  const created = await prisma.seller.create({ data: { name: "Планы" } });
  seller = { id: created.id, name: created.name };
  for (const marketplace of ["OZON", "WILDBERRIES", "YANDEX_MARKET"] as const) {
    const account = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace, displayName: marketplace, credentialsEncrypted: "v1:a:b:c" },
    });
    accounts[marketplace] = account.id;
  }
  // Mostly chats: a page of reviews walks the ranges of the reviews' counter keys, not every item.
  for (let i = 0; i < 40; i += 1) await addItem("OZON", "CHAT", 10 + i);
  for (let i = 0; i < 3; i += 1) await addItem("OZON", "REVIEW", 100 + i);
});

describe("an inbox page read again", () => {
  it("lists the same items while nothing changed", async () => {
    const first = await reviews();
    expect(first.items).toHaveLength(3);
    expect(ids(await reviews())).toEqual(ids(first));
    expect(ids(await reviews())).toEqual(ids(first));
  });

  it("lists items of a counter key that appeared since the last read, and counts them", async () => {
    const before = ids(await reviews());
    // The seller's first Wildberries review: a counter key (and an index range) the last plan had not.
    const wildberries = await addItem("WILDBERRIES", "REVIEW", 1);
    const after = await reviews();
    expect(ids(after)).toEqual([wildberries.id, ...before]);
    expect(after.buckets.filter((bucket) => bucket.channel === "REVIEW").reduce((sum, bucket) => sum + bucket.items, 0)).toBe(4);
    // And again, with the new plan known.
    const market = await addItem("YANDEX_MARKET", "REVIEW", 2);
    expect(ids(await reviews())).toEqual([wildberries.id, market.id, ...before]);
    expect(ids(await reviews())).toEqual([wildberries.id, market.id, ...before]);
  });

  it("stops listing items that left the filter's counter keys", async () => {
    const page = await reviews();
    const [newest] = page.items;
    await prisma.item.update({ where: { id: newest!.id }, data: { channel: "QUESTION" } });
    expect(ids(await reviews())).toEqual(ids(page).slice(1));
  });
});
