// Wildberries sandbox wiring for the sync tests: an account pointed at both WB hosts, client options
// matched to the time-scaled sandbox rate limiter, and upstream/stored id sets for exact comparisons.
import type { ConnectorOptions } from "@inbox/connectors";
import type { WildberriesSandbox } from "@inbox/connectors/sandbox";
import type { PrismaClient } from "@inbox/db";
import { syncAccount, type SyncAccountOptions } from "../../src/sync/sync-account";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS, snapshot } from "../sync-fixtures";

/** The sandbox's rate-limit clock runs this much faster than real time (the WB conformance target uses 20). */
export const WB_TIME_SCALE = 50;

/**
 * Fast retries, and a client budget that fits both WB hosts at WB_TIME_SCALE: chat allows 10 per 10 s,
 * feedbacks 3/s burst 6, both scaled. With a margin, as in wildberries/conformance.ts.
 */
export const WB_CONNECTOR_OPTIONS: ConnectorOptions = {
  ...FAST_CONNECTOR_OPTIONS,
  rateLimit: { capacity: 3, refillPerSecond: 0.8 * WB_TIME_SCALE },
};

export function wbBaseUrls(sandbox: Pick<WildberriesSandbox, "feedbacksUrl" | "chatUrl">) {
  return { review: sandbox.feedbacksUrl, question: sandbox.feedbacksUrl, chat: sandbox.chatUrl };
}

/** A seller with one WB account holding a fresh personal token for both categories. */
export async function createWbAccount(prisma: PrismaClient, sandbox: WildberriesSandbox, sellerName = "WB seller") {
  return createSandboxAccount(prisma, {
    marketplace: "WILDBERRIES",
    baseUrls: wbBaseUrls(sandbox),
    credentials: { apiToken: sandbox.issueToken({ type: "personal", categories: ["feedbacks", "chat"] }) },
    sellerName,
  });
}

export type IdsByChannel = Record<"REVIEW" | "QUESTION" | "CHAT", string[]>;

export function wbUpstreamIds(sandbox: WildberriesSandbox): IdsByChannel {
  const { world } = sandbox;
  return {
    REVIEW: world.feedbacks.map((feedback) => feedback.id).sort(),
    QUESTION: world.questions.map((question) => question.id).sort(),
    CHAT: [...world.chats.keys()].sort(),
  };
}

/** Every chat message upstream (WB event ids), per chat. */
export function wbUpstreamMessages(sandbox: WildberriesSandbox): Record<string, string[]> {
  const byChat: Record<string, string[]> = {};
  for (const event of sandbox.world.events) (byChat[event.chatID] ??= []).push(event.eventID);
  for (const ids of Object.values(byChat)) ids.sort();
  return byChat;
}

export async function storedIds(prisma: PrismaClient, accountId: string): Promise<IdsByChannel> {
  const rows = await snapshot(prisma, accountId);
  const of = (channel: string) =>
    rows
      .filter((row) => row.channel === channel)
      .map((row) => row.externalId)
      .sort();
  return { REVIEW: of("REVIEW"), QUESTION: of("QUESTION"), CHAT: of("CHAT") };
}

export async function storedMessages(prisma: PrismaClient, accountId: string): Promise<Record<string, string[]>> {
  const rows = await snapshot(prisma, accountId);
  return Object.fromEntries(rows.filter((row) => row.channel === "CHAT").map((row) => [row.externalId, row.messages]));
}

/** Rows stored more than once: items per (channel, externalId), messages per (item, externalId). */
export async function countDuplicates(prisma: PrismaClient, accountId: string) {
  const items = await prisma.item.groupBy({
    by: ["channel", "externalId"],
    where: { accountId },
    _count: true,
    having: { externalId: { _count: { gt: 1 } } },
  });
  const messages = await prisma.message.groupBy({
    by: ["itemId", "externalId"],
    where: { item: { accountId } },
    _count: true,
    having: { externalId: { _count: { gt: 1 } } },
  });
  return items.length + messages.length;
}

/** Runs syncAccount until one run ends with every channel SUCCEEDED; returns the number of runs. */
export async function syncUntilCaughtUp(
  prisma: PrismaClient,
  accountId: string,
  options: Partial<SyncAccountOptions> = {},
  maxRuns = 40,
): Promise<number> {
  for (let run = 0; run < maxRuns; run += 1) {
    // Clear the rate-limit pause a 429 storm leaves behind; the test controls time.
    await prisma.marketplaceAccount.update({ where: { id: accountId }, data: { rateLimitedUntil: null } });
    const result = await syncAccount({ prisma, accountId, connectorOptions: WB_CONNECTOR_OPTIONS, pageSize: 40, ...options });
    if (result.status === "done" && result.channels.every((channel) => channel.status === "SUCCEEDED")) return run + 1;
  }
  throw new Error(`sync did not catch up in ${maxRuns} runs`);
}
