// The live stream (live.events): scoped to the caller's sellers, and resumable from any cursor it
// sent without losing a change, also one committed by a transaction that started earlier than a
// change already streamed, and across a dropped LISTEN connection.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveHub, LIVE_CHANNEL, type LiveHub } from "../src/live/live-hub";
import { currentLiveCursor, LIVE_REPLAY_LIMIT, liveChangesQuery } from "../src/services/live";
import { addMember, createSellerWithItems, createUser } from "./fixtures";
import { openLiveStream, type StreamEvent } from "./support/live-stream";

const database = useTestDatabase();
let live: LiveHub;
let world: Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  const { prisma } = database();
  const alice = await createUser(prisma, "Alice");
  const bob = await createUser(prisma, "Bob");
  const sellerA = await createSellerWithItems(prisma, "A", [{}]);
  const sellerB = await createSellerWithItems(prisma, "B", [{}]);
  await addMember(prisma, alice.id, sellerA.seller.id, "OWNER");
  await addMember(prisma, bob.id, sellerB.seller.id, "OWNER");
  return { alice, bob, sellerA, sellerB };
}

beforeAll(async () => {
  world = await buildWorld();
  live = createLiveHub(database().url);
});

afterAll(async () => {
  await live.close();
});

let counter = 0;
async function addItem(seller: typeof world.sellerA, text = "Новый отзыв") {
  const at = new Date();
  return database().prisma.item.create({
    data: {
      sellerId: seller.seller.id,
      accountId: seller.accounts.WILDBERRIES.id,
      marketplace: "WILDBERRIES",
      channel: "REVIEW",
      externalId: `live-${++counter}`,
      text,
      upstreamCreatedAt: at,
      lastActivityAt: at,
    },
  });
}

/** Tables a plan (EXPLAIN FORMAT JSON) reads with a sequential scan. */
function seqScannedTables(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(seqScannedTables);
  if (node === null || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  const own = record["Node Type"] === "Seq Scan" ? [String(record["Relation Name"])] : [];
  return [...own, ...Object.values(record).flatMap(seqScannedTables)];
}

const changedIds = (events: StreamEvent[]) =>
  events.flatMap((event) => (event.event?.kind === "changes" ? event.event.changes.map((change) => change.itemId) : []));
const sawAll = (ids: string[]) => (_: StreamEvent, all: StreamEvent[]) => ids.every((id) => changedIds(all).includes(id));

describe("live.events", () => {
  it("never shows a member one seller's changes to a member of another", async () => {
    const { prisma } = database();
    const alices = await openLiveStream({ prisma, live, userId: world.alice.id }, {});
    const bobs = await openLiveStream({ prisma, live, userId: world.bob.id }, {});
    try {
      expect((await alices.next()).event).toMatchObject({ kind: "ready", resumed: false });
      expect((await bobs.next()).event).toMatchObject({ kind: "ready", resumed: false });

      // Bob's seller changes first: a new item, a reply queued then failed, a read mark.
      const bobsItem = await addItem(world.sellerB, "Секрет продавца B");
      const reply = await prisma.reply.create({
        data: { itemId: world.sellerB.items[0]!.id, text: "Спасибо", idempotencyKey: `live-${counter}` },
      });
      await prisma.reply.update({ where: { id: reply.id }, data: { status: "FAILED" } });
      await prisma.item.update({ where: { id: bobsItem.id }, data: { read: true } });
      const bobSaw = await bobs.until((event, all) => {
        const last = all
          .flatMap((e) => (e.event?.kind === "changes" ? e.event.changes : []))
          .filter((change) => change.itemId === world.sellerB.items[0]!.id)
          .at(-1);
        return last?.replyStatus === "FAILED" && changedIds(all).includes(bobsItem.id);
      });
      expect(new Set(bobSaw.flatMap((e) => (e.event?.kind === "changes" ? e.event.changes.map((c) => c.sellerId) : [])))).toEqual(
        new Set([world.sellerB.seller.id]),
      );

      // Then Alice's: her stream shows it, and nothing it showed before it was Bob's.
      const alicesItem = await addItem(world.sellerA);
      const aliceSaw = await alices.until(sawAll([alicesItem.id]));
      for (const event of aliceSaw) {
        expect(event.error).toBeNull();
        if (event.event?.kind === "changes") {
          for (const change of event.event.changes) expect(change.sellerId).toBe(world.sellerA.seller.id);
        }
      }
      expect(JSON.stringify(aliceSaw)).not.toContain("Секрет");
    } finally {
      await Promise.all([alices.close(), bobs.close()]);
    }
  });

  it("refuses a stream of another seller as not found", async () => {
    const { prisma } = database();
    const stream = await openLiveStream({ prisma, live, userId: world.alice.id }, { sellerId: world.sellerB.seller.id });
    try {
      const first = await stream.next();
      expect(first.event).toBeNull();
      expect(first.error?.data.code).toBe("NOT_FOUND");
    } finally {
      await stream.close();
    }
  });

  it("stops streaming a seller to a member who was removed from it", async () => {
    const { prisma } = database();
    const carol = await createUser(prisma, "Carol");
    await addMember(prisma, carol.id, world.sellerA.seller.id, "AGENT");
    await addMember(prisma, carol.id, world.sellerB.seller.id, "AGENT");
    const stream = await openLiveStream({ prisma, live, userId: carol.id }, {});
    try {
      await stream.next(); // ready
      await prisma.membership.delete({ where: { userId_sellerId: { userId: carol.id, sellerId: world.sellerB.seller.id } } });
      const hidden = await addItem(world.sellerB);
      const shown = await addItem(world.sellerA);
      const saw = await stream.until(sawAll([shown.id]));
      expect(changedIds(saw)).not.toContain(hidden.id);
    } finally {
      await stream.close();
    }
  });

  it("resumes from its last cursor with every change made meanwhile, once the stream is back", async () => {
    const { prisma } = database();
    const first = await openLiveStream({ prisma, live, userId: world.alice.id }, {});
    const ready = await first.next();
    await first.close();
    // While nobody listens (a network drop, a server restart): a new item, a read mark, a reply.
    const added = await addItem(world.sellerA);
    await prisma.item.update({ where: { id: world.sellerA.items[0]!.id }, data: { read: true } });
    const replied = await addItem(world.sellerA);
    await prisma.reply.create({ data: { itemId: replied.id, text: "Ответ", idempotencyKey: `live-resume-${counter}` } });

    const resumed = await openLiveStream({ prisma, live, userId: world.alice.id }, {}, ready.id!);
    try {
      expect((await resumed.next()).event).toMatchObject({ kind: "ready", resumed: true });
      const saw = await resumed.until(sawAll([added.id, world.sellerA.items[0]!.id, replied.id]));
      const changes = saw.flatMap((event) => (event.event?.kind === "changes" ? event.event.changes : []));
      expect(changes.find((change) => change.itemId === world.sellerA.items[0]!.id)?.read).toBe(true);
      expect(changes.find((change) => change.itemId === replied.id)?.replyStatus).toBe("PENDING");
    } finally {
      await resumed.close();
    }
  });

  it("loses no change that commits after a later one was streamed (transactions commit out of order)", async () => {
    const { prisma } = database();
    const slow = new pg.Client({ connectionString: database().url });
    await slow.connect();
    const stream = await openLiveStream({ prisma, live, userId: world.alice.id }, {});
    try {
      await stream.next(); // ready
      // An ingest starts first and takes its time…
      await slow.query("BEGIN");
      await slow.query(
        `INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "upstreamCreatedAt", "lastActivityAt", "updatedAt")
         VALUES ('live-slow', $1, $2, 'WILDBERRIES', 'REVIEW', 'live-slow', 'Медленный', now(), now(), now())`,
        [world.sellerA.seller.id, world.sellerA.accounts.WILDBERRIES.id],
      );
      // …while a later change commits and is streamed; the client keeps that event's cursor.
      const quick = await addItem(world.sellerA);
      const saw = await stream.until(sawAll([quick.id]));
      const cursor = saw.at(-1)!.id!;
      await stream.close();
      // The connection drops; the first transaction commits while the client is away.
      await slow.query("COMMIT");

      const resumed = await openLiveStream({ prisma, live, userId: world.alice.id }, {}, cursor);
      try {
        await resumed.until(sawAll(["live-slow"]));
      } finally {
        await resumed.close();
      }
    } finally {
      await stream.close();
      await slow.end();
    }
  });

  it("keeps streaming after the LISTEN connection is cut, with what changed while it was down", async () => {
    const { prisma } = database();
    const stream = await openLiveStream({ prisma, live, userId: world.alice.id }, {});
    const admin = new pg.Client({ connectionString: database().url });
    await admin.connect();
    try {
      await stream.next(); // ready
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'inbox-live' AND datname = current_database()",
      );
      const item = await addItem(world.sellerA);
      await stream.until(sawAll([item.id]));
    } finally {
      await admin.end();
      await stream.close();
    }
  });

  it("notifies once per seller for a 50,000-item statement, and a stream behind it reloads instead of listing", async () => {
    const { prisma } = database();
    const stream = await openLiveStream({ prisma, live, userId: world.alice.id }, {});
    const listener = new pg.Client({ connectionString: database().url });
    await listener.connect();
    const notifications: string[] = [];
    listener.on("notification", (message) => notifications.push(message.payload ?? ""));
    await listener.query(`LISTEN ${LIVE_CHANNEL}`);
    try {
      await stream.next(); // ready
      const count = 50_000;
      expect(count).toBeGreaterThan(LIVE_REPLAY_LIMIT);
      await prisma.$executeRaw`
        INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "upstreamCreatedAt", "lastActivityAt", "updatedAt")
        SELECT 'bulk-' || n, ${world.sellerA.seller.id}, ${world.sellerA.accounts.WILDBERRIES.id}, 'WILDBERRIES', 'REVIEW', 'bulk-' || n, 'Отзыв', now(), now(), now()
        FROM generate_series(1, ${count}) AS n`;
      await stream.until((event) => event.event?.kind === "reload");
      // The live read over these rows is a range seek per seller on the live indexes, never a scan.
      await prisma.$executeRaw`ANALYZE "Item"`;
      // A stream's cursor is recent: a read finds the few rows written since, through the index.
      const explained = await prisma.$queryRaw<Array<{ "QUERY PLAN": unknown }>>`EXPLAIN (FORMAT JSON) ${liveChangesQuery({
        sellerIds: [world.sellerA.seller.id, world.sellerB.seller.id],
        userId: world.alice.id,
        cursor: await currentLiveCursor(prisma),
      })}`;
      const plan = explained[0]!["QUERY PLAN"];
      const text = JSON.stringify(plan);
      expect(text).toContain('"Index Name":"Item_sellerId_liveVersion_idx"');
      expect(text).toContain('"Index Name":"Reply_sellerId_liveVersion_idx"');
      expect(seqScannedTables(plan)).not.toContain("Item");
      // A marker statement after the bulk one: once it is heard, the bulk one's notifications are in.
      await addItem(world.sellerB);
      await expect.poll(() => notifications.length).toBe(2);
      expect(notifications).toEqual([world.sellerA.seller.id, world.sellerB.seller.id]);
    } finally {
      await listener.end();
      await stream.close();
    }
  });
});
