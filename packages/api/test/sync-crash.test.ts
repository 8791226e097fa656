// Crash safety with real processes: a worker (test/support/sync-child.ts) is SIGKILLed in the middle
// of a large Wildberries sync and restarted; its database must end up equal to an uninterrupted run's.
// And a worker killed between the marketplace accepting a reply and our database recording it must
// not send that reply again after the restart.
import { setTimeout as sleep } from "node:timers/promises";
import type { ConnectorOptions } from "@inbox/connectors";
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverReply } from "../src/sync/deliver-reply";
import { useChildProcesses } from "./support/child-processes";
import { startChildWorker } from "./support/child-worker";
import {
  countDuplicates,
  createWbAccount,
  storedIds,
  storedMessages,
  syncUntilCaughtUp,
  wbUpstreamIds,
  wbUpstreamMessages,
} from "./support/wildberries";
import { FAST_CONNECTOR_OPTIONS, snapshot } from "./sync-fixtures";

const database = useTestDatabase();
const children = useChildProcesses();
let sandbox: WildberriesSandbox;

/** The sandbox's rate limiter is off here: the test is about crashes, and JSON carries no functions. */
const CHILD_OPTIONS: ConnectorOptions = { ...FAST_CONNECTOR_OPTIONS, rateLimit: false };
const PAGE_SIZE = 30;
const LEASE_MS = 1_000;
const KILLS = 6;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 23,
    feedbacks: 300,
    questions: 200,
    chats: 60,
    eventsPageSize: 15,
    rateLimits: false,
    moderation: "instant",
  });
});
afterAll(() => sandbox.close());

function childEnv(extra: Record<string, string>) {
  return {
    DATABASE_URL: database().url,
    CHILD_CONNECTOR_OPTIONS: JSON.stringify(CHILD_OPTIONS),
    CHILD_LEASE_MS: String(LEASE_MS),
    CHILD_PAGE_SIZE: String(PAGE_SIZE),
    ...extra,
  };
}

describe("a worker killed with SIGKILL", () => {
  it("at random points of a large sync, then restarted, leaves the database equal to an uninterrupted run's, and its runs end FAILED as interrupted", async () => {
    const { prisma } = database();
    const control = await createWbAccount(prisma, sandbox, "Uninterrupted");
    await syncUntilCaughtUp(prisma, control.account.id, { connectorOptions: CHILD_OPTIONS, pageSize: PAGE_SIZE });
    const { account } = await createWbAccount(prisma, sandbox, "Killed");
    const env = childEnv({ CHILD_MODE: "sync", CHILD_ACCOUNT_ID: account.id });

    const kills: Array<{ afterResponses: number; delayMs: number }> = [];
    const leftRunning = new Set<string>();
    for (let attempt = 0; attempt < KILLS; attempt += 1) {
      const child = startChildWorker(children, env);
      // Early enough that all KILLS land before the sync can finish (about 45 pages in all).
      const afterResponses = 1 + Math.floor(Math.random() * 7);
      const delayMs = Math.floor(Math.random() * 40);
      const reached = await Promise.race([
        child.waitFor("request", afterResponses).then(() => true),
        child.waitFor("caught-up").then(() => false),
      ]);
      if (!reached) break; // finished before the kill point: nothing left to interrupt
      await sleep(delayMs); // mid-page: parsing, ingesting or committing it
      await child.kill();
      kills.push({ afterResponses, delayMs });
      const running = await prisma.syncRun.findMany({ where: { accountId: account.id, status: "RUNNING" }, select: { id: true } });
      for (const run of running) leftRunning.add(run.id);
    }

    const restarted = startChildWorker(children, env);
    await restarted.waitFor("caught-up");
    expect(await restarted.exited).toBe(0);

    const killed = await snapshot(prisma, account.id);
    const uninterrupted = await snapshot(prisma, control.account.id);
    const upstream = wbUpstreamIds(sandbox);
    const stored = await storedIds(prisma, account.id);
    const lost = Object.entries(upstream).reduce(
      (sum, [channel, ids]) => sum + ids.filter((id) => !stored[channel as keyof typeof stored].includes(id)).length,
      0,
    );
    const upstreamMessages = wbUpstreamMessages(sandbox);
    const messages = await storedMessages(prisma, account.id);
    const lostMessages = Object.entries(upstreamMessages).reduce(
      (sum, [chat, ids]) => sum + ids.filter((id) => !(messages[chat] ?? []).includes(id)).length,
      0,
    );
    const duplicates = await countDuplicates(prisma, account.id);
    const runs = await prisma.syncRun.findMany({ where: { accountId: account.id } });
    console.log(
      `[crash] items upstream: ${Object.values(upstream).flat().length} (+${sandbox.world.events.length} chat messages), ` +
        `kills: ${kills.length} ${JSON.stringify(kills)}, runs left RUNNING by killed workers: ${leftRunning.size}, ` +
        `runs in all: ${runs.length}, items lost: ${lost}, messages lost: ${lostMessages}, duplicates: ${duplicates}`,
    );
    expect(kills.length).toBeGreaterThanOrEqual(KILLS - 1);
    expect(killed).toEqual(uninterrupted);
    expect(stored).toEqual(upstream);
    expect(messages).toEqual(upstreamMessages);
    expect(duplicates).toBe(0);

    expect(leftRunning.size).toBeGreaterThan(0);
    expect(runs.filter((run) => run.status === "RUNNING")).toEqual([]);
    for (const run of runs.filter((candidate) => leftRunning.has(candidate.id))) {
      expect(run).toMatchObject({ status: "FAILED", errorReason: "INTERRUPTED" });
      expect(run.finishedAt).not.toBeNull();
    }
    const account_ = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(account_.syncLeaseOwner).toBeNull();
  });

  it("between the marketplace accepting a reply and recording it: after the restart the answer is found upstream and never sent again", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox, "Replies");
    await syncUntilCaughtUp(prisma, account.id, { connectorOptions: CHILD_OPTIONS, pageSize: PAGE_SIZE });
    const items = await Promise.all(
      (["REVIEW", "QUESTION", "CHAT"] as const).map((channel) =>
        prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel, answered: false }, orderBy: { externalId: "asc" } }),
      ),
    );
    const sentUpstream = (item: (typeof items)[number], text: string) =>
      ((item.channel === "CHAT" ? sandbox.world.messagesSent : sandbox.world.answers).get(item.externalId) ?? []).filter(
        (candidate) => candidate === text,
      ).length;

    for (const item of items) {
      const reply = await prisma.reply.create({
        data: { itemId: item.id, text: `Здравствуйте! Ответ на ${item.channel}.`, idempotencyKey: `crash-${item.id}` },
      });
      const child = startChildWorker(children, childEnv({ CHILD_MODE: "deliver", CHILD_REPLY_ID: reply.id }));
      await child.waitFor("sent");
      await child.kill();
      expect(child.count("outcome sent")).toBe(0);
      expect(await prisma.reply.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({ status: "SENDING", sentAt: null });
      expect(sentUpstream(item, reply.text)).toBe(1);
      // Meanwhile the buyer writes again: our message is no longer the chat's latest.
      if (item.channel === "CHAT") sandbox.addChatMessage({ chatID: item.externalId, text: "Вы здесь?" });

      // The restarted worker may take the reply over once the SENDING claim is older than the timeout.
      await sleep(60);
      const outcome = await deliverReply({ prisma, replyId: reply.id, connectorOptions: CHILD_OPTIONS, sendingTimeoutMs: 50 });
      expect(outcome).toEqual({ status: "sent", verifiedUpstream: true });
      expect(await prisma.reply.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({ status: "SENT", error: null });
      expect(sentUpstream(item, reply.text)).toBe(1);
    }
  });
});
