// Delivers one queued reply to the marketplace: PENDING → SENDING → SENT, or FAILED with a readable
// error. A reply is claimed atomically, so two workers never send it together; and whenever an
// earlier attempt may have reached the marketplace (crash, timeout, dropped connection), the item is
// checked upstream before sending again, so a customer never receives the same answer twice.
import { MarketplaceAuthError, RateLimitedError, UpstreamError, type ChannelItem, type ConnectorOptions } from "@inbox/connectors";
import type { Prisma, PrismaClient } from "@inbox/db";
import { startHeartbeat } from "../background";
import { recordReplyEvent } from "../services/item-history";
import { connectorForAccount } from "./account-connector";

export interface DeliverReplyOptions {
  prisma: PrismaClient;
  replyId: string;
  connectorOptions?: ConnectorOptions;
  /** A SENDING reply older than this belongs to a worker that died; it may be claimed again. */
  sendingTimeoutMs?: number;
  maxAttempts?: number;
  /** Delay before the n-th retry (1-based). */
  backoffMs?: (attempt: number) => number;
}

export type DeliveryOutcome =
  | { status: "sent"; verifiedUpstream: boolean }
  | { status: "retry"; retryAt: Date; error: string }
  | { status: "failed"; error: string }
  | { status: "skipped" };

const defaultBackoff = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 30 * 60_000);

export async function deliverReply(options: DeliverReplyOptions): Promise<DeliveryOutcome> {
  const { prisma, replyId } = options;
  const sendingTimeoutMs = options.sendingTimeoutMs ?? 5 * 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoffMs ?? defaultBackoff;

  const claimed = await prisma.reply.updateMany({
    where: {
      id: replyId,
      OR: [
        { status: "PENDING", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: new Date() } }] },
        { status: "SENDING", updatedAt: { lt: new Date(Date.now() - sendingTimeoutMs) } },
      ],
    },
    data: { status: "SENDING", attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return { status: "skipped" };

  // Keeps the claim fresh while this attempt works (an upstream check can take minutes), so no
  // other worker takes the reply over as abandoned.
  const heartbeat = startHeartbeat(
    async () => {
      await prisma.reply.updateMany({ where: { id: replyId, status: "SENDING" }, data: { status: "SENDING" } });
    },
    {
      everyMs: sendingTimeoutMs / 3,
      // A missed beat only lets the claim age: should it pass sendingTimeoutMs, another worker takes
      // the reply over, and a takeover checks upstream before sending, so nothing is sent twice.
      onError: () => {},
    },
  );
  try {
    return await attempt(options, replyId, maxAttempts, backoff);
  } finally {
    await heartbeat.stop(); // no claim write may run once the outcome is recorded and we return
  }
}

async function attempt(
  options: DeliverReplyOptions,
  replyId: string,
  maxAttempts: number,
  backoff: (attempt: number) => number,
): Promise<DeliveryOutcome> {
  const { prisma } = options;
  const reply = await prisma.reply.findUniqueOrThrow({ where: { id: replyId }, include: { item: { include: { account: true } } } });
  const { item } = reply;
  let connector: ReturnType<typeof connectorForAccount>;
  try {
    connector = connectorForAccount(item.account, item.channel, options.connectorOptions);
  } catch (error) {
    // Unreadable or invalid stored credentials: no attempt can succeed until the token is replaced.
    const detail = error instanceof Error ? error.message : String(error);
    return fail(
      prisma,
      replyId,
      `The account's credentials cannot be used (${detail}): update the token in the account settings, then retry.`,
    );
  }

  if (reply.kind === "EDIT") return attemptEdit(prisma, reply, connector, maxAttempts, backoff);

  // Answered since the reply was queued (a sync saw an answer given elsewhere, or our own earlier
  // attempt): record ours if it is that answer, and never post a second one otherwise.
  if (item.channel !== "CHAT" && item.answered) {
    if (normalize(item.answerText) === normalize(reply.text)) {
      await markSent(prisma, reply.id, item.id, item.channel, reply.text, item.answerEditable);
      return { status: "sent", verifiedUpstream: true };
    }
    return fail(prisma, replyId, "This item was answered on the marketplace meanwhile: check that answer before sending another.");
  }

  let sent = false;
  try {
    if (reply.attempts > 1) {
      // An earlier attempt may have landed: look before sending again.
      if (!connector.capabilities.getItem) {
        return await fail(
          prisma,
          replyId,
          "An earlier attempt may have reached the marketplace and it cannot be checked: look on the marketplace, then retry if the answer is missing.",
        );
      }
      const upstream = await connector.getItem({
        itemId: item.externalId,
        createdAt: item.upstreamCreatedAt.toISOString(),
        // A chat may have moved on since the earlier attempt: every message from then on, not the latest only.
        ...(item.channel === "CHAT" ? { messagesSince: landedSince(reply.createdAt).toISOString() } : {}),
      });
      if (upstream && answerLanded(upstream, reply.text, reply.createdAt)) {
        await markSent(prisma, reply.id, item.id, item.channel, reply.text, upstream.answerEditable ?? connector.capabilities.editReply);
        return { status: "sent", verifiedUpstream: true };
      }
      if (upstream && upstream.channel !== "chat" && upstream.answered) {
        // The marketplace hides an accepted answer until moderation passes but marks the item
        // answered at once (capabilities.answerVisibility): the item was unanswered when this
        // reply started, so the hidden answer is ours. Sending again would post a second one.
        if (connector.capabilities.answerVisibility === "after-moderation" && upstream.answerText === undefined) {
          await markSent(prisma, reply.id, item.id, item.channel, reply.text, connector.capabilities.editReply);
          return { status: "sent", verifiedUpstream: false };
        }
        // Answered upstream with another text: sending again would post a second answer.
        return await fail(
          prisma,
          replyId,
          "The marketplace already shows this item as answered: check the answer there before sending again.",
        );
      }
    }
    // The HTTP layer never repeats this write after an unknown outcome (timeout, dropped connection,
    // 5xx): the next attempt decides, after the check above.
    const result = await connector.sendReply({ itemId: item.externalId, text: reply.text });
    sent = true;
    await markSent(prisma, reply.id, item.id, item.channel, reply.text, result.answerEditable ?? connector.capabilities.editReply);
    return { status: "sent", verifiedUpstream: false };
  } catch (error) {
    // Sent, but not recorded (the database failed us): leave it SENDING; the worker that takes it
    // over checks upstream first and records it as SENT without sending again.
    if (sent) throw error;
    return notSent(prisma, reply, error, maxAttempts, backoff);
  }
}

/**
 * An edit replaces the answer. Every connector's editReply reads the answer first and sends nothing
 * when it already reads this text, so an attempt after an unknown outcome needs no check of its own;
 * and it refuses, without a write, an answer the marketplace no longer lets edit.
 */
async function attemptEdit(
  prisma: PrismaClient,
  reply: {
    id: string;
    text: string;
    replaces: string | null;
    attempts: number;
    item: { id: string; externalId: string; channel: string; answerText: string | null; answerEditable: boolean };
  },
  connector: ReturnType<typeof connectorForAccount>,
  maxAttempts: number,
  backoff: (attempt: number) => number,
): Promise<DeliveryOutcome> {
  // A sync read the edited answer back already (an earlier attempt landed): the sync's word on
  // whether it can change again stands.
  if (normalize(reply.item.answerText) === normalize(reply.text)) {
    await markSent(prisma, reply.id, reply.item.id, reply.item.channel, reply.text, reply.item.answerEditable);
    return { status: "sent", verifiedUpstream: true };
  }
  let result: Awaited<ReturnType<typeof connector.editReply>>;
  try {
    result = await connector.editReply({ itemId: reply.item.externalId, text: reply.text, replacing: reply.replaces ?? undefined });
  } catch (error) {
    return notSent(prisma, reply, error, maxAttempts, backoff);
  }
  // Sent: should recording it fail, the reply stays SENDING and the next attempt's editReply finds
  // the text there and sends nothing. Unknown whether another edit is allowed: none until a sync says.
  await markSent(prisma, reply.id, reply.item.id, reply.item.channel, reply.text, result.answerEditable ?? false);
  return { status: "sent", verifiedUpstream: false };
}

/** A send that did not happen: retried later when the failure is transient, failed otherwise. */
async function notSent(
  prisma: PrismaClient,
  reply: { id: string; attempts: number },
  error: unknown,
  maxAttempts: number,
  backoff: (attempt: number) => number,
): Promise<DeliveryOutcome> {
  const message = error instanceof Error ? error.message : String(error);
  const transient = error instanceof RateLimitedError || (error instanceof UpstreamError && error.retryable);
  if (transient && reply.attempts < maxAttempts) {
    const wait = error instanceof RateLimitedError ? Math.max(error.retryAfterMs, backoff(reply.attempts)) : backoff(reply.attempts);
    const retryAt = new Date(Date.now() + wait);
    await prisma.reply.update({
      where: { id: reply.id },
      data: { status: "PENDING", error: readable(error, message), nextAttemptAt: retryAt },
    });
    return { status: "retry", retryAt, error: message };
  }
  if (transient)
    return fail(prisma, reply.id, `The marketplace did not accept the reply after ${reply.attempts} attempts (${message}). Retry later.`);
  return fail(prisma, reply.id, readable(error, message));
}

/** externalId of a sent reply's message until a sync reads it back from the marketplace. */
export const REPLY_MESSAGE_PREFIX = "inbox-reply:";

export function normalize(text: string | undefined | null) {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

/** A chat message of ours from this time on may be the reply queued at `queuedAt` (a minute of clock skew). */
const landedSince = (queuedAt: Date) => new Date(queuedAt.getTime() - 60_000);

/** True when the marketplace already shows this answer (for chats: our message, sent after we queued it). */
export function answerLanded(upstream: ChannelItem, text: string, queuedAt: Date): boolean {
  const wanted = normalize(text);
  if (upstream.channel === "chat") {
    const since = landedSince(queuedAt).getTime();
    return (upstream.messages ?? []).some(
      (message) => message.direction === "out" && normalize(message.text) === wanted && Date.parse(message.createdAt) >= since,
    );
  }
  return upstream.answered && normalize(upstream.answerText) === wanted;
}

/**
 * `answerEditable`: what the item's answer allows next, as the connector's write said (WB: a new
 * answer has its one edit left, an edit uses it up; YM: our own answer stays modifiable), else as
 * the marketplace's capability suggests; the next sync that reads the item has the last word.
 */
async function markSent(prisma: PrismaClient, replyId: string, itemId: string, channel: string, text: string, answerEditable: boolean) {
  await prisma.$transaction(async (tx) => {
    const reply = await tx.reply.update({
      where: { id: replyId },
      data: { status: "SENT", sentAt: new Date(), error: null, nextAttemptAt: null },
    });
    await tx.item.update({
      where: { id: itemId },
      data: channel === "CHAT" ? { answered: true, read: true } : { answered: true, answerText: text, answerEditable, read: true },
    });
    if (channel === "CHAT") await recordReplyMessage(tx, reply);
    await recordReplyEvent(tx, replyId, "DELIVERED");
  });
}

/**
 * A sent chat reply is a message of the thread at once: the one a sync already read back (ours, same
 * text, sent after the reply was queued, not yet linked), or else a provisional one that the next
 * sync gives the marketplace's id (sync/ingest.ts, claimReplyMessages). Either way, one message.
 */
async function recordReplyMessage(tx: Prisma.TransactionClient, reply: { id: string; itemId: string; text: string; createdAt: Date }) {
  const linked = await tx.message.findUnique({ where: { replyId: reply.id }, select: { id: true } });
  if (linked) return;
  const candidates = await tx.message.findMany({
    where: { itemId: reply.itemId, direction: "OUT", replyId: null, sentAt: { gte: new Date(reply.createdAt.getTime() - 60_000) } },
    orderBy: [{ sentAt: "asc" }, { id: "asc" }],
    select: { id: true, text: true },
  });
  const readBack = candidates.find((message) => normalize(message.text) === normalize(reply.text));
  if (readBack) {
    await tx.message.update({ where: { id: readBack.id }, data: { replyId: reply.id } });
    return;
  }
  await tx.message.create({
    data: {
      itemId: reply.itemId,
      externalId: `${REPLY_MESSAGE_PREFIX}${reply.id}`,
      direction: "OUT",
      text: reply.text,
      sentAt: new Date(),
      replyId: reply.id,
    },
  });
}

async function fail(prisma: PrismaClient, replyId: string, error: string): Promise<DeliveryOutcome> {
  await prisma.$transaction(async (tx) => {
    await tx.reply.update({ where: { id: replyId }, data: { status: "FAILED", error, nextAttemptAt: null } });
    await recordReplyEvent(tx, replyId, "FAILED", error);
  });
  return { status: "failed", error };
}

/** What the user reads next to a failed reply: what happened and what to do. */
function readable(error: unknown, message: string): string {
  if (error instanceof MarketplaceAuthError) {
    return error.reason === "subscription_missing"
      ? "The marketplace refused: this account's subscription does not include answering here."
      : "The marketplace rejected the account's token: update the token in the account settings, then retry.";
  }
  if (error instanceof RateLimitedError) return "The marketplace asked us to slow down; the reply will be retried automatically.";
  if (error instanceof UpstreamError) return "The marketplace did not respond; the reply will be retried automatically.";
  return `The marketplace refused the reply: ${message}`;
}
