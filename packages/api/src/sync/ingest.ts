// Turns connector items into Items and Messages. Idempotent: rows are keyed by the marketplace's own
// ids — (account, channel, externalId) and (item, message externalId) — so a replayed page changes
// nothing, and upstream changes (answered elsewhere, moderation, edits) update the row.
import type { ChannelItem } from "@inbox/connectors";
import type { Channel, Marketplace, Prisma } from "@inbox/db";

export interface IngestTarget {
  sellerId: string;
  accountId: string;
  marketplace: Marketplace;
  channel: Channel;
}

export interface IngestResult {
  fetched: number;
  /** Items created or whose stored state changed. */
  changed: number;
}

type Tx = Prisma.TransactionClient;

function toDate(iso: string, field: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Connector returned an invalid ${field}: ${JSON.stringify(iso)}`);
  return date;
}

/** Fields of an Item that mirror upstream; local state (read, replies) is handled separately. */
function upstreamFields(item: ChannelItem) {
  const messages = item.messages ?? [];
  const newest = messages.reduce<Date | null>((latest, message) => {
    const at = toDate(message.createdAt, "message createdAt");
    return !latest || at > latest ? at : latest;
  }, null);
  const created = toDate(item.createdAt, "createdAt");
  return {
    text: item.text,
    pros: item.pros ?? null,
    cons: item.cons ?? null,
    rating: item.rating ?? null,
    authorName: item.authorName ?? null,
    productExternalId: item.product?.externalId ?? null,
    productName: item.product?.name ?? null,
    productArticle: item.product?.article ?? null,
    upstreamCreatedAt: created,
    answered: item.answered,
    answerText: item.answerText ?? null,
    answerState: item.answerState ?? null,
    lastActivityAt: newest && newest > created ? newest : created,
  };
}

const COMPARED = ["text", "pros", "cons", "rating", "authorName", "productName", "answered", "answerText", "answerState"] as const;

export async function ingestItems(tx: Tx, target: IngestTarget, items: ChannelItem[]): Promise<IngestResult> {
  // A page may carry the same thread twice (e.g. events of one chat); merge before writing.
  const byId = new Map<string, ChannelItem>();
  for (const item of items) {
    const previous = byId.get(item.externalId);
    byId.set(item.externalId, previous ? { ...item, messages: [...(previous.messages ?? []), ...(item.messages ?? [])] } : item);
  }
  const existing = await tx.item.findMany({
    where: { accountId: target.accountId, channel: target.channel, externalId: { in: [...byId.keys()] } },
    select: {
      id: true,
      externalId: true,
      read: true,
      lastActivityAt: true,
      text: true,
      pros: true,
      cons: true,
      rating: true,
      authorName: true,
      productName: true,
      answered: true,
      answerText: true,
      answerState: true,
    } satisfies Record<(typeof COMPARED)[number] | "id" | "externalId" | "read" | "lastActivityAt", true>,
  });
  const existingById = new Map(existing.map((row) => [row.externalId, row]));
  const changedIds = new Set<string>();

  // New items: one INSERT for the page.
  const fresh = [...byId.values()].filter((item) => !existingById.has(item.externalId));
  const created = fresh.length
    ? await tx.item.createManyAndReturn({
        data: fresh.map((item) => ({
          ...upstreamFields(item),
          sellerId: target.sellerId,
          accountId: target.accountId,
          marketplace: target.marketplace,
          channel: target.channel,
          externalId: item.externalId,
          read: item.read ?? false,
        })),
        select: { id: true, externalId: true },
      })
    : [];
  const idByExternalId = new Map(created.map((row) => [row.externalId, row.id]));
  for (const row of created) changedIds.add(row.id);

  // Our own answers the marketplace does not list yet (moderation, a feed page read before the send
  // was recorded): the item stays answered rather than invite a second answer.
  const answeredByUs =
    target.channel === "CHAT" || existing.length === 0
      ? new Set<string>()
      : new Set(
          (
            await tx.reply.findMany({
              where: { itemId: { in: existing.map((row) => row.id) }, status: "SENT" },
              select: { itemId: true },
            })
          ).map((reply) => reply.itemId),
        );

  // Known items: an UPDATE only where upstream really changed.
  for (const row of existing) {
    idByExternalId.set(row.externalId, row.id);
    const item = byId.get(row.externalId)!;
    const fields = upstreamFields(item);
    if (answeredByUs.has(row.id) && !fields.answered) {
      fields.answered = true;
      fields.answerText = row.answerText ?? fields.answerText;
      fields.answerState = row.answerState;
    }
    const record: Record<string, unknown> = row;
    // A chat's text, answered flag and activity time follow its stored messages (see below).
    const compared = target.channel === "CHAT" ? COMPARED.filter((key) => key !== "text" && key !== "answered") : COMPARED;
    const newActivity = target.channel !== "CHAT" && fields.lastActivityAt > row.lastActivityAt;
    // Upstream read state wins when the marketplace reports one.
    const read = item.read ?? row.read;
    if (compared.some((key) => record[key] !== fields[key]) || newActivity || read !== row.read) {
      const { text, answered, lastActivityAt, ...rest } = fields;
      await tx.item.update({
        where: { id: row.id },
        data:
          target.channel === "CHAT"
            ? { ...rest, read }
            : { ...rest, text, answered, lastActivityAt: newActivity ? lastActivityAt : row.lastActivityAt, read },
      });
      changedIds.add(row.id);
    }
  }

  // Messages of every thread on the page: one INSERT, duplicates skipped.
  const messages = [...byId.values()].flatMap((item) =>
    (item.messages ?? []).map((message) => ({
      itemId: idByExternalId.get(item.externalId)!,
      externalId: message.externalId,
      direction: message.direction === "out" ? ("OUT" as const) : ("IN" as const),
      text: message.text,
      authorName: message.authorName ?? null,
      sentAt: toDate(message.createdAt, "message createdAt"),
    })),
  );
  if (messages.length > 0 && target.channel === "CHAT") {
    const inserted = await tx.message.createManyAndReturn({ data: messages, skipDuplicates: true, select: { itemId: true } });
    const threads = new Set(inserted.map((message) => message.itemId));
    const reportsRead = new Set(
      [...byId.values()].filter((item) => item.read !== undefined).map((item) => idByExternalId.get(item.externalId)),
    );
    for (const itemId of threads) {
      await refreshThreadState(tx, itemId, !reportsRead.has(itemId));
      changedIds.add(itemId);
    }
  } else if (messages.length > 0) {
    await tx.message.createMany({ data: messages, skipDuplicates: true });
  }
  return { fetched: items.length, changed: changedIds.size };
}

/**
 * A chat's summary follows its messages: answered when the newest message is ours, text = the first
 * customer message. Recomputed from the stored messages when new ones arrive, because feeds may
 * deliver a thread in pieces (Wildberries sends only new events).
 */
async function refreshThreadState(tx: Tx, itemId: string, newCustomerMessageMarksUnread: boolean) {
  const [newest, first] = await Promise.all([
    tx.message.findFirst({ where: { itemId }, orderBy: [{ sentAt: "desc" }, { id: "desc" }], select: { direction: true, sentAt: true } }),
    tx.message.findFirst({ where: { itemId, direction: "IN" }, orderBy: [{ sentAt: "asc" }, { id: "asc" }], select: { text: true } }),
  ]);
  if (!newest) return;
  await tx.item.update({
    where: { id: itemId },
    data: {
      answered: newest.direction === "OUT",
      lastActivityAt: newest.sentAt,
      ...(first && { text: first.text }),
      // Without an upstream read flag, a thread whose newest message is the customer's is unread.
      ...(newCustomerMessageMarksUnread && newest.direction === "IN" && { read: false }),
    },
  });
}
