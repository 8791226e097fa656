// Background writes never outlive their owner: a heartbeat stopped mid-write resolves only after that
// write, so the owner's `prisma.$disconnect()` right after completes (an un-awaited write in flight
// during a disconnect leaves its backend `idle in transaction` and the disconnect hangs for good).
import { createPrismaClient, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { startWildberriesSandbox } from "@inbox/connectors/sandbox";
import { describe, expect, it } from "vitest";
import { startHeartbeat, TaskTracker } from "../src/background";
import { deliverReply } from "../src/sync/deliver-reply";
import { syncAccount } from "../src/sync/sync-account";
import { createWbAccount } from "./support/wildberries";
import { FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();

/** `$disconnect()`, failing (instead of hanging) when it has not finished within `ms`. */
async function disconnectWithin(prisma: PrismaClient, ms: number): Promise<"disconnected" | "still connected"> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    prisma.$disconnect().then(() => "disconnected" as const),
    new Promise<"still connected">((resolve) => (timer = setTimeout(() => resolve("still connected"), ms))),
  ]);
  clearTimeout(timer);
  return outcome;
}

describe("startHeartbeat", () => {
  it("stop() during a write in flight resolves only after that write, and $disconnect() right after completes", async () => {
    const owner = createPrismaClient(database().url);
    const seller = await database().prisma.seller.create({ data: { name: "ИП Пульс" } });
    // Another session holds the row, so the beat's write stays in flight until the test lets it go.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const rowLocked = new Promise<void>((resolve) => (locked = resolve));
    const locker = database().prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Seller" WHERE id = ${seller.id} FOR UPDATE`;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await rowLocked;

    const events: string[] = [];
    let beats = 0;
    const heartbeat = startHeartbeat(
      async () => {
        beats += 1;
        await owner.seller.updateMany({ where: { id: seller.id }, data: { name: `ИП Пульс ${beats}` } });
        events.push("written");
      },
      { everyMs: 5, onError: (error) => events.push(`error: ${String(error)}`) },
    );
    const lockWaits = () =>
      database().prisma.$queryRaw<
        unknown[]
      >`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    while ((await lockWaits()).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const stopped = heartbeat.stop().then(() => events.push("stopped"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual([]); // the write is still blocked, so stop() has not returned
    release();
    await locker;
    await stopped;

    expect(events).toEqual(["written", "stopped"]);
    expect(beats).toBe(1); // no beat started after stop()
    expect(await disconnectWithin(owner, 10_000)).toBe("disconnected");
    expect((await database().prisma.seller.findUniqueOrThrow({ where: { id: seller.id } })).name).toBe("ИП Пульс 1");
  });

  it("never overlaps beats, even when one takes longer than the interval", async () => {
    let running = 0;
    let mostAtOnce = 0;
    let beats = 0;
    const heartbeat = startHeartbeat(
      async () => {
        running += 1;
        beats += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
      },
      { everyMs: 1, onError: () => {} },
    );
    while (beats < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    await heartbeat.stop();
    expect(running).toBe(0);
    expect(mostAtOnce).toBe(1);
  });

  it("hands a failed beat to onError and keeps beating", async () => {
    const errors: string[] = [];
    let beats = 0;
    const heartbeat = startHeartbeat(
      async () => {
        beats += 1;
        if (beats === 1) throw new Error("first beat failed");
      },
      { everyMs: 1, onError: (error) => errors.push((error as Error).message) },
    );
    while (beats < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await heartbeat.stop();
    expect(errors).toEqual(["first beat failed"]);
  });
});

describe("TaskTracker", () => {
  it("drain() waits for every task, including ones started while draining, and run() passes results and errors through", async () => {
    const tracker = new TaskTracker();
    const finished: string[] = [];
    const later = (name: string, ms: number) => () =>
      new Promise<string>((resolve) => setTimeout(() => (finished.push(name), resolve(name)), ms));
    const first = tracker.run(later("first", 30));
    const failing = tracker.run(() => Promise.reject(new Error("job failed")));
    const draining = tracker.drain();
    const second = tracker.run(later("second", 60));
    await draining;
    expect(finished).toEqual(["first", "second"]);
    expect(tracker.size).toBe(0);
    expect(await first).toBe("first");
    expect(await second).toBe("second");
    await expect(failing).rejects.toThrow("job failed");
  });
});

describe("owners of heartbeats leave no write behind", () => {
  it("deliverReply and syncAccount with beats every few milliseconds: $disconnect() right after each returns completes", async () => {
    const sandbox = await startWildberriesSandbox({ seed: 5, size: 12, rateLimits: false, moderation: "instant" });
    try {
      const { account } = await createWbAccount(database().prisma, sandbox, "Heartbeats");
      const connectorOptions = { ...FAST_CONNECTOR_OPTIONS, rateLimit: false as const };
      // A fresh client per call, as a worker process has, disconnected the moment the call returns.
      for (let round = 0; round < 5; round += 1) {
        const owner = createPrismaClient(database().url);
        await syncAccount({ prisma: owner, accountId: account.id, connectorOptions, leaseMs: 15, pageSize: 5 });
        expect(await disconnectWithin(owner, 10_000), `sync round ${round}`).toBe("disconnected");
      }
      const items = await database().prisma.item.findMany({
        where: { accountId: account.id, channel: "REVIEW", answered: false },
        take: 3,
      });
      expect(items.length).toBe(3);
      for (const item of items) {
        const reply = await database().prisma.reply.create({
          data: { itemId: item.id, text: "Спасибо!", idempotencyKey: `beat-${item.id}` },
        });
        const owner = createPrismaClient(database().url);
        const outcome = await deliverReply({ prisma: owner, replyId: reply.id, connectorOptions, sendingTimeoutMs: 6 });
        expect(outcome.status).toBe("sent");
        expect(await disconnectWithin(owner, 10_000), `reply ${reply.id}`).toBe("disconnected");
      }
    } finally {
      await sandbox.close();
    }
  });
});
