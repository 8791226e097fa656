// The membership cache (auth/membership-cache.ts): memberships and session versions are read from the
// database once and kept, until the database notifies a change to that user's access (migrations
// access_notify and session_notify), whether the change came through the app, another process or
// plain SQL; while its LISTEN connection is down nothing is kept.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMembershipCache, type MembershipCache } from "../src/auth/membership-cache";
import { currentSessionVersion, sessionIsCurrent } from "../src/auth/sessions";
import { createCaller, createTRPCContext } from "../src/index";
import { listMemberships, type SellerMembership } from "../src/services/memberships";
import { addMember, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
let cache: MembershipCache;

beforeAll(async () => {
  cache = createMembershipCache(database().url);
  await cache.settled(); // listening: reads are kept from now on
});

afterAll(async () => {
  await cache.close();
});

/** A loader that counts its reads of the database. */
function countingLoader(userId: string) {
  const loader = async (): Promise<SellerMembership[]> => {
    loader.reads += 1;
    return listMemberships(database().prisma, userId);
  };
  loader.reads = 0;
  return loader;
}

async function memberOfOneSeller(name: string) {
  const { prisma } = database();
  const user = await createUser(prisma, name);
  const { seller } = await createSellerWithItems(prisma, `Продавец ${name}`, [{}]);
  const membership = await addMember(prisma, user.id, seller.id, "AGENT");
  // The set-up's own notification is in flight: a read it overtakes is rightly not kept.
  await cache.settled();
  return { user, seller, membership };
}

async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("membership cache", () => {
  it("reads a user's memberships once, and again after a change to them is notified", async () => {
    const { prisma } = database();
    const { user, seller, membership } = await memberOfOneSeller("Анна");
    const load = countingLoader(user.id);
    expect(await cache.read(user.id, load)).toEqual([{ id: seller.id, name: seller.name, role: "AGENT" }]);
    await cache.read(user.id, load);
    expect(load.reads).toBe(1);

    await prisma.membership.update({ where: { id: membership.id }, data: { role: "VIEWER" } });
    await cache.settled();
    expect(await cache.read(user.id, load)).toEqual([{ id: seller.id, name: seller.name, role: "VIEWER" }]);
    expect(load.reads).toBe(2);
  });

  it("refuses a removed member's next request once the removal is notified, through the tRPC context", async () => {
    const { prisma } = database();
    const { user, seller, membership } = await memberOfOneSeller("Борис");
    const caller = () => createCaller(createTRPCContext({ userId: user.id, prisma, membershipCache: cache }));
    expect((await caller().inbox.list({ sellerId: seller.id })).items).toHaveLength(1);

    await prisma.$executeRaw`DELETE FROM "Membership" WHERE "id" = ${membership.id}`;
    await cache.settled();
    await expect(caller().inbox.list({ sellerId: seller.id })).rejects.toSatisfy(
      (error: unknown) => error instanceof TRPCError && error.code === "NOT_FOUND",
    );
    expect(await caller().seller.list()).toEqual([]);
  });

  it("refuses a member removed through the app at once in the app's process, before any notification", async () => {
    const { prisma } = database();
    const { user: agent, seller } = await memberOfOneSeller("Ефим");
    const owner = await createUser(prisma, "Владелица");
    await addMember(prisma, owner.id, seller.id, "OWNER");
    await cache.settled();
    const callerOf = (userId: string) => createCaller(createTRPCContext({ userId, prisma, membershipCache: cache }));
    expect((await callerOf(agent.id).inbox.list({ sellerId: seller.id })).items).toHaveLength(1);

    await callerOf(owner.id).team.remove({ sellerId: seller.id, userId: agent.id });
    await expect(callerOf(agent.id).inbox.list({ sellerId: seller.id })).rejects.toSatisfy(
      (error: unknown) => error instanceof TRPCError && error.code === "NOT_FOUND",
    );
  });

  it("drops a user's entry when this process says it changed them", async () => {
    const { user } = await memberOfOneSeller("Жанна");
    const load = countingLoader(user.id);
    await cache.read(user.id, load);
    cache.changed(user.id);
    await cache.read(user.id, load);
    expect(load.reads).toBe(2);
  });

  it("does not keep a read that started before a change it may have missed", async () => {
    const { prisma } = database();
    const { user, seller } = await memberOfOneSeller("Вера");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Read before the change, answered after its notification arrived: stale, so not kept.
    const before = cache.read(user.id, async () => {
      const memberships = await listMemberships(prisma, user.id);
      await gate;
      return memberships;
    });
    const other = await createSellerWithItems(prisma, "Второй", []);
    await addMember(prisma, user.id, other.seller.id, "OWNER");
    await cache.settled();
    release();
    expect((await before).map((membership) => membership.id)).toEqual([seller.id]);

    const load = countingLoader(user.id);
    expect((await cache.read(user.id, load)).map((membership) => membership.id).sort()).toEqual([seller.id, other.seller.id].sort());
    expect(load.reads).toBe(1);
  });

  it("gives a renamed seller's members the new name", async () => {
    const { prisma } = database();
    const { user, seller } = await memberOfOneSeller("Глеб");
    const load = countingLoader(user.id);
    await cache.read(user.id, load);
    await prisma.seller.update({ where: { id: seller.id }, data: { name: "Новое имя" } });
    await cache.settled();
    expect((await cache.read(user.id, load))[0]!.name).toBe("Новое имя");
    expect(load.reads).toBe(2);
  });

  it("keeps nothing while its LISTEN connection is down, and caches again once it is back", async () => {
    const { prisma } = database();
    const { user, membership } = await memberOfOneSeller("Дарья");
    const load = countingLoader(user.id);
    await cache.read(user.id, load);
    const admin = new pg.Client({ connectionString: database().url });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'inbox-access' AND datname = current_database()",
      );
      await until(() => !cache.listening);
      // A change the cache cannot hear about: it must still be seen.
      await prisma.membership.delete({ where: { id: membership.id } });
      expect(await cache.read(user.id, load)).toEqual([]);
      expect(await cache.read(user.id, load)).toEqual([]);
      expect(load.reads).toBe(3);

      await until(() => cache.listening);
      await cache.read(user.id, load);
      await cache.read(user.id, load);
      expect(load.reads).toBe(4);
    } finally {
      await admin.end();
    }
  });
  it("keeps a user's session version until their sessions end, then every process reads it again", async () => {
    const { prisma } = database();
    const user = await createUser(prisma, "Вера");
    // A second server process: its own cache, told only by the database's notifications.
    const otherProcess = createMembershipCache(database().url);
    try {
      await Promise.all([cache.settled(), otherProcess.settled()]);
      const load = Object.assign(
        async () => {
          load.reads += 1;
          return currentSessionVersion(prisma, user.id);
        },
        { reads: 0 },
      );
      expect(await otherProcess.readSessionVersion(user.id, load)).toBe(0);
      expect(await otherProcess.readSessionVersion(user.id, load)).toBe(0);
      expect(load.reads).toBe(1);
      expect(await sessionIsCurrent(prisma, user.id, 0, cache)).toBe(true);

      // "Sign out everywhere" through the app in the first process: refused there before the answer...
      await createCaller(createTRPCContext({ userId: user.id, prisma, membershipCache: cache })).session.signOutEverywhere();
      expect(await sessionIsCurrent(prisma, user.id, 0, cache)).toBe(false);
      // ...and in the other as soon as the change is notified.
      await otherProcess.settled();
      expect(await otherProcess.readSessionVersion(user.id, load)).toBe(1);
      expect(load.reads).toBe(2);
      expect(await sessionIsCurrent(prisma, user.id, 0, otherProcess)).toBe(false);

      // A deleted user's tokens are refused everywhere too.
      await prisma.user.delete({ where: { id: user.id } });
      await otherProcess.settled();
      expect(await sessionIsCurrent(prisma, user.id, 1, otherProcess)).toBe(false);
    } finally {
      await otherProcess.close();
    }
  });
  it("reads a kept session version again after its backstop age, even if no notification came", async () => {
    const { prisma } = database();
    const user = await createUser(prisma, "Глеб");
    const shortLived = createMembershipCache(database().url, { sessionVersionMaxAgeMs: 100 });
    try {
      await shortLived.settled();
      const load = Object.assign(
        async () => {
          load.reads += 1;
          return currentSessionVersion(prisma, user.id);
        },
        { reads: 0 },
      );
      await shortLived.readSessionVersion(user.id, load);
      await shortLived.readSessionVersion(user.id, load);
      expect(load.reads).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await shortLived.readSessionVersion(user.id, load);
      expect(load.reads).toBe(2);
    } finally {
      await shortLived.close();
    }
  });
});
