// Security review, finding 5: on the embedded database the app connects as `inbox_app`, not as the
// superuser that ran the migrations. Proven on the real start-up path (ensureDatabase on a data dir of
// its own): the role cannot reach beyond the app's tables, while the app's reads, writes (with their
// triggers) and the job queue (pg-boss creates and partitions its own tables) work. A data dir from an
// earlier version, where the superuser created everything, gets the role on upgrade.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrismaClient } from "@inbox/db";
import {
  APP_ROLE,
  ensureDatabase,
  migrateDeploy,
  privilegedRoleWarning,
  removeEmbeddedCluster,
  startEmbeddedPostgres,
} from "@inbox/db/server";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBoss, ensureQueues, QUEUES } from "../src/jobs/queues";
import { startWorkers } from "../src/jobs/worker";
import { callerFor, createSellerWithItems, createUser, addMember } from "./fixtures";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "inbox-app-role-"));
  vi.stubEnv("DATABASE_URL", ""); // the embedded database, as `npm start` without DATABASE_URL
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await removeEmbeddedCluster(path.join(dataDir, "postgres"));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
async function failureCode(url: string, sql: string): Promise<string | null> {
  return withClient(url, async (client) => {
    try {
      await client.query(sql);
      return null;
    } catch (error) {
      return (error as { code?: string }).code ?? "unknown";
    }
  });
}

async function expectConfinedRole(url: string) {
  const role = await withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT current_user AS name, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
       FROM pg_roles WHERE rolname = current_user`,
    );
    return rows[0] as Record<string, unknown>;
  });
  expect(role).toEqual({
    name: APP_ROLE,
    rolsuper: false,
    rolcreaterole: false,
    rolcreatedb: false,
    rolreplication: false,
    rolbypassrls: false,
  });
  const insufficientPrivilege = "42501";
  expect(await failureCode(url, "CREATE ROLE intruder LOGIN SUPERUSER")).toBe(insufficientPrivilege);
  expect(await failureCode(url, `ALTER ROLE ${APP_ROLE} SUPERUSER`)).toBe(insufficientPrivilege);
  expect(await failureCode(url, "ALTER SYSTEM SET log_statement = 'none'")).toBe(insufficientPrivilege);
  expect(await failureCode(url, "SELECT rolpassword FROM pg_authid")).toBe(insufficientPrivilege);
  expect(await failureCode(url, "CREATE DATABASE intruder")).toBe(insufficientPrivilege);
  expect(await failureCode(url, "COPY (SELECT 1) TO PROGRAM 'true'")).toBe(insufficientPrivilege);
  expect(await failureCode(url, "CREATE TABLE public.intruder (id int)")).toBe(insufficientPrivilege);
  expect(await failureCode(url, 'DROP TABLE "AuditEvent"')).toBe(insufficientPrivilege);
  expect(await failureCode(url, 'ALTER TABLE "User" DISABLE TRIGGER ALL')).toBe(insufficientPrivilege);
  expect(await failureCode(url, 'DELETE FROM "_prisma_migrations"')).toBe(insufficientPrivilege);
}

/** The app's own work as the role: writes that fire the count triggers, a read through the API. */
async function expectAppWorks(url: string) {
  const prisma = createPrismaClient(url);
  try {
    const { seller, items } = await createSellerWithItems(prisma, "Роль", [{}, { channel: "QUESTION" }, { answered: true }]);
    const user = await createUser(prisma, "Owner");
    await addMember(prisma, user.id, seller.id, "OWNER");
    await prisma.item.update({ where: { id: items[0]!.id }, data: { read: true } });
    const counts = await callerFor(prisma, user.id).inbox.counts({ sellerId: seller.id });
    expect(counts.total).toEqual({ count: 3, more: false });
    // pg-boss as the app role: its tables (fresh) and one partition per queue.
    const workers = await startWorkers({ prisma, databaseUrl: url });
    await workers.queue.enqueueMarkReadUpstream([]);
    await workers.stop();
  } finally {
    await prisma.$disconnect();
  }
}

describe("the embedded database's app role", () => {
  it("on a fresh data dir, the app connects as a role that may use the app's tables and nothing more", async () => {
    const database = await ensureDatabase({ dataDir });
    try {
      expect(new URL(database.url).username).toBe(APP_ROLE);
      await expectConfinedRole(database.url);
      await expectAppWorks(database.url);
      expect(await privilegedRoleWarning(database.url)).toBeNull();
      // Its password is kept like the other generated secrets: owner-only in the data dir.
      const passwordFile = path.join(dataDir, "app-database.password");
      expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
      expect(decodeURIComponent(new URL(database.url).password)).toBe(fs.readFileSync(passwordFile, "utf8").trim());
    } finally {
      await database.stop();
    }
  });

  it("a data dir of an earlier version, where the superuser created everything, gets the role on upgrade", async () => {
    // The earlier version: migrations, the app and pg-boss all as the superuser.
    const earlier = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "inbox" });
    await migrateDeploy(earlier.url);
    expect(await privilegedRoleWarning(earlier.url)).toMatch(/has SUPERUSER, CREATEROLE, CREATEDB/);
    const oldBoss = createBoss(earlier.url, { worker: false });
    await oldBoss.start();
    await ensureQueues(oldBoss);
    const queuedBefore = await oldBoss.send(QUEUES.markReadUpstream, { itemIds: ["queued-before-upgrade"] });
    await oldBoss.stop({ graceful: false, wait: true });
    await earlier.stop();

    const database = await ensureDatabase({ dataDir });
    try {
      await expectConfinedRole(database.url);
      // The job queued before the upgrade is still there for the app role to take.
      const boss = createBoss(database.url, { worker: true });
      await boss.start();
      const [job] = await boss.fetch(QUEUES.markReadUpstream);
      expect(job?.id).toBe(queuedBefore);
      await boss.complete(QUEUES.markReadUpstream, job!.id);
      await boss.stop({ graceful: false, wait: true });
      await expectAppWorks(database.url);
    } finally {
      await database.stop();
    }
  });
});
