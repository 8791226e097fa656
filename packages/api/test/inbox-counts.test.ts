// The inbox counts and the per-item message summary are kept by database triggers, not by the code
// that writes items. After a mixed workload through the real write paths (sync over HTTP, ingest,
// reply delivery, mark read/unread, account removal, concurrent writers) they equal a fresh count.
import type { ChannelItem } from "@inbox/connectors";
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestItems, type IngestTarget } from "../src/sync/ingest";
import { addMember, callerFor, createUser } from "./fixtures";
import { deliverUntilSettled } from "./support/replies";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 5,
    feedbacks: 40,
    questions: 30,
    chats: 12,
    eventsPageSize: 20,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
});
afterAll(() => sandbox.close());

type CountKey = { accountId: string; channel: string; answered: boolean; read: boolean; replyState: string; rating: number; items: number };
const byKey = (rows: CountKey[]) =>
  rows
    .filter((row) => row.items !== 0)
    .map((row) => `${row.accountId}/${row.channel}/${row.answered}/${row.read}/${row.replyState}/${row.rating}=${row.items}`)
    .sort();

async function keptCounts(prisma: PrismaClient) {
  return byKey(
    await prisma.$queryRaw<CountKey[]>`
      SELECT "accountId", "channel"::text, "answered", "read", "replyState"::text, "rating", SUM("items")::int AS "items" FROM (
        SELECT "accountId", "channel", "answered", "read", "replyState", "rating", "items" FROM "InboxCount"
        UNION ALL SELECT "accountId", "channel", "answered", "read", "replyState", "rating", "delta" FROM "InboxCountDelta"
      ) AS kept GROUP BY 1, 2, 3, 4, 5, 6`,
  );
}

async function freshCounts(prisma: PrismaClient) {
  return byKey(
    await prisma.$queryRaw<CountKey[]>`
      SELECT "accountId", "channel"::text, "answered", "read", "replyState"::text, COALESCE("rating", 0) AS "rating", COUNT(*)::int AS "items"
      FROM "Item" GROUP BY 1, 2, 3, 4, 5, 6`,
  );
}

/** Items whose stored message summary differs from their messages. */
async function staleSummaries(prisma: PrismaClient) {
  return prisma.$queryRaw<Array<{ id: string }>>`
    SELECT i."id" FROM "Item" i
    LEFT JOIN LATERAL (SELECT COUNT(*)::int AS n FROM "Message" m WHERE m."itemId" = i."id") AS counted ON TRUE
    LEFT JOIN LATERAL (SELECT m."text", m."sentAt" FROM "Message" m WHERE m."itemId" = i."id" ORDER BY m."sentAt" DESC, m."id" DESC LIMIT 1) AS newest ON TRUE
    WHERE i."messageCount" <> counted.n
       OR i."lastMessageText" IS DISTINCT FROM newest."text"
       OR i."lastMessageAt" IS DISTINCT FROM newest."sentAt"`;
}

function review(externalId: string, patch: Partial<ChannelItem> = {}): ChannelItem {
  return {
    externalId,
    marketplace: "ozon",
    channel: "review",
    text: "Хороший товар",
    createdAt: "2026-11-01T10:00:00Z",
    answered: false,
    ...patch,
  };
}

function chat(externalId: string, messages: Array<[string, "in" | "out", string]>): ChannelItem {
  return {
    externalId,
    marketplace: "ozon",
    channel: "chat",
    text: "",
    createdAt: "2026-11-01T09:00:00Z",
    answered: false,
    messages: messages.map(([id, direction, at]) => ({ externalId: id, direction, text: `Сообщение ${id}`, createdAt: at })),
  };
}

describe("trigger-kept inbox counts", () => {
  it("equal a fresh GROUP BY after sync, ingest, replies, read changes, account removal and concurrent writers", async () => {
    const { prisma } = database();
    const owner = await createUser(prisma, "Owner");
    const { seller, account: wb } = await createWbAccount(prisma, sandbox);
    await addMember(prisma, owner.id, seller.id, "OWNER");
    const caller = callerFor(prisma, owner.id);
    const ozon = await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: "Ozon", credentialsEncrypted: "v1:a:b:c" },
    });
    const other = await prisma.seller.create({ data: { name: "Other" } });
    const otherAccount = await prisma.marketplaceAccount.create({
      data: { sellerId: other.id, marketplace: "OZON", displayName: "Other Ozon", credentialsEncrypted: "v1:a:b:c" },
    });

    // Real sync over HTTP: ingest of reviews, questions and chats with their messages.
    await syncUntilCaughtUp(prisma, wb.id);
    expect(await prisma.item.count({ where: { accountId: wb.id } })).toBe(82);

    // Concurrent writers: ingest pages of two accounts of one seller and of another seller, each in
    // its own transaction, while the team marks items read and unread.
    const target = (accountId: string, sellerId: string, channel: "REVIEW" | "CHAT"): IngestTarget => ({
      sellerId,
      accountId,
      marketplace: "OZON",
      channel,
    });
    const wbItems = await prisma.item.findMany({ where: { accountId: wb.id }, orderBy: { externalId: "asc" }, take: 30 });
    // Seven interactive transactions at once: fewer than the pool's ten connections, so each can start
    // while the mark-read calls take the others (with ten, one waited past Prisma's 2 s to start).
    await Promise.all([
      ...Array.from({ length: 4 }, (_, page) =>
        prisma.$transaction((tx) =>
          ingestItems(
            tx,
            target(ozon.id, seller.id, "REVIEW"),
            Array.from({ length: 15 }, (_, i) => review(`oz-${page}-${i}`, { answered: i % 3 === 0, read: i % 2 === 0 })),
          ),
        ),
      ),
      ...Array.from({ length: 3 }, (_, page) =>
        prisma.$transaction((tx) =>
          ingestItems(
            tx,
            target(otherAccount.id, other.id, "CHAT"),
            Array.from({ length: 5 }, (_, i) =>
              chat(`other-chat-${page}-${i}`, [
                [`${page}-${i}-1`, "in", "2026-11-02T10:00:00Z"],
                [`${page}-${i}-2`, "out", "2026-11-02T11:00:00Z"],
              ]),
            ),
          ),
        ),
      ),
      ...wbItems.map((item, i) => caller.inbox.markRead({ sellerId: seller.id, itemId: item.id, read: i % 2 === 0 })),
    ]);

    // Upstream changes to known items (answered elsewhere, read flags), and new messages in a known chat.
    await prisma.$transaction((tx) =>
      ingestItems(
        tx,
        target(ozon.id, seller.id, "REVIEW"),
        Array.from({ length: 15 }, (_, i) => review(`oz-0-${i}`, { answered: true, answerText: "Ответ", read: true })),
      ),
    );
    await prisma.$transaction((tx) =>
      ingestItems(tx, target(otherAccount.id, other.id, "CHAT"), [
        chat("other-chat-0-0", [
          ["0-0-3", "in", "2026-11-03T10:00:00Z"],
          ["0-0-1", "in", "2026-11-02T10:00:00Z"], // a replayed message changes nothing
        ]),
      ]),
    );

    // Replies delivered to Wildberries flip answered and read.
    const unanswered = await prisma.item.findMany({
      where: { accountId: wb.id, answered: false },
      orderBy: { externalId: "asc" },
      take: 4,
    });
    expect(unanswered).toHaveLength(4);
    const replies = await Promise.all(
      unanswered.map((item, index) =>
        caller.inbox.reply({
          sellerId: seller.id,
          itemId: item.id,
          text: `Спасибо за обращение! ${index}`,
          idempotencyKey: `counts-${item.id}`,
        }),
      ),
    );
    // Queued replies move their items to reply state PENDING (a trigger on Reply), counted at once.
    const ids = unanswered.map((item) => item.id);
    expect(await prisma.item.count({ where: { id: { in: ids }, replyState: "PENDING" } })).toBe(4);
    expect(await keptCounts(prisma)).toEqual(await freshCounts(prisma));
    await deliverUntilSettled(
      prisma,
      replies.map((reply) => reply.id),
      WB_CONNECTOR_OPTIONS,
    );
    expect(await prisma.item.count({ where: { id: { in: ids }, answered: true, replyState: "NONE" } })).toBe(4);
    // A failed reply: FAILED until a retry queues it again.
    const failing = await prisma.item.findFirstOrThrow({ where: { accountId: wb.id, answered: false, channel: "QUESTION" } });
    const failed = await prisma.reply.create({
      data: { itemId: failing.id, text: "Ответ", status: "FAILED", idempotencyKey: `counts-failed` },
    });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: failing.id } })).replyState).toBe("FAILED");
    expect(await keptCounts(prisma)).toEqual(await freshCounts(prisma));
    await caller.inbox.retryReply({ sellerId: seller.id, replyId: failed.id });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: failing.id } })).replyState).toBe("PENDING");
    await prisma.reply.delete({ where: { id: failed.id } });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: failing.id } })).replyState).toBe("NONE");

    expect(await keptCounts(prisma)).toEqual(await freshCounts(prisma));
    const page = await caller.inbox.list({ sellerId: seller.id, limit: 1 });
    const fresh = {
      all: await prisma.item.count({ where: { sellerId: seller.id } }),
      answered: await prisma.item.count({ where: { sellerId: seller.id, answered: true } }),
      unread: await prisma.item.count({ where: { sellerId: seller.id, read: false } }),
    };
    expect(page.counts).toEqual({ ...fresh, unanswered: fresh.all - fresh.answered });

    // Removing an account removes its items from the counts.
    await caller.account.remove({ sellerId: seller.id, accountId: ozon.id });
    expect(await keptCounts(prisma)).toEqual(await freshCounts(prisma));
    expect((await caller.inbox.list({ sellerId: seller.id, limit: 1 })).counts.all).toBe(82);
    expect(await prisma.inboxCount.count({ where: { accountId: ozon.id } })).toBe(0);

    // The chat summary follows the messages: count and the newest message, whatever order they came in.
    expect(await staleSummaries(prisma)).toEqual([]);
    const threeMessages = await prisma.item.findFirstOrThrow({ where: { externalId: "other-chat-0-0" } });
    expect(threeMessages).toMatchObject({ messageCount: 3, lastMessageText: "Сообщение 0-0-3" });
    await prisma.message.deleteMany({ where: { itemId: threeMessages.id, externalId: "0-0-3" } });
    expect(await staleSummaries(prisma)).toEqual([]);

    // Deltas are folded as writers go: each seller's last writes ran alone, so none are pending.
    expect(await prisma.inboxCountDelta.count()).toBe(0);
  });
});
