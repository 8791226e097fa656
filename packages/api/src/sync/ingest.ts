// Turns connector items into Items and Messages. Idempotent: rows are keyed by the marketplace's own
// ids — (account, channel, externalId) and (item, message externalId) — so a replayed page changes
// nothing, and upstream changes (answered elsewhere, moderation, edits) update the row.
import type { ChannelAttachment, ChannelItem } from "@inbox/connectors";
import { Prisma, type Channel, type Marketplace } from "@inbox/db";

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

/** Attachments as stored (a JSON array), or SQL NULL when there are none. */
function attachmentsJson(attachments: ChannelAttachment[] | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return attachments && attachments.length > 0 ? (attachments as unknown as Prisma.InputJsonValue) : Prisma.DbNull;
}

/** Key-order-independent JSON equality (jsonb does not keep key order). */
function sameJson(stored: unknown, next: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  const normal = (value: unknown) => (value === Prisma.DbNull || value === undefined ? null : value);
  return JSON.stringify(canonical(normal(stored))) === JSON.stringify(canonical(normal(next)));
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
    productUrl: item.product?.url ?? null,
    attachments: attachmentsJson(item.attachments),
    upstreamCreatedAt: created,
    answered: item.answered,
    answerText: item.answerText ?? null,
    answerState: item.answerState ?? null,
    lastActivityAt: newest && newest > created ? newest : created,
  };
}

const COMPARED = [
  "text",
  "pros",
  "cons",
  "rating",
  "authorName",
  "productName",
  "productUrl",
  "answered",
  "answerText",
  "answerState",
] as const;

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
      productUrl: true,
      attachments: true,
      answered: true,
      answerText: true,
      answerState: true,
    } satisfies Record<(typeof COMPARED)[number] | "id" | "externalId" | "read" | "lastActivityAt" | "attachments", true>,
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
    const attachmentsChanged = !sameJson(row.attachments, fields.attachments);
    if (compared.some((key) => record[key] !== fields[key]) || attachmentsChanged || newActivity || read !== row.read) {
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
      attachments: attachmentsJson(message.attachments),
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
  await updateMessageAttachments(tx, messages, changedIds);
  return { fetched: items.length, changed: changedIds.size };
}

/**
 * Messages are inserted once (duplicates skipped), so attachments that appear or change later on a
 * known message (e.g. a file that passed moderation) are written here. Only messages that carry
 * attachments are looked at; a page without any costs nothing.
 */
async function updateMessageAttachments(
  tx: Tx,
  messages: Array<{ itemId: string; externalId: string; attachments: ReturnType<typeof attachmentsJson> }>,
  changedIds: Set<string>,
) {
  const withFiles = messages.filter((message) => message.attachments !== Prisma.DbNull);
  if (withFiles.length === 0) return;
  const stored = await tx.message.findMany({
    where: { OR: withFiles.map(({ itemId, externalId }) => ({ itemId, externalId })) },
    select: { id: true, itemId: true, externalId: true, attachments: true },
  });
  const byKey = new Map(stored.map((row) => [`${row.itemId}\u0000${row.externalId}`, row]));
  for (const message of withFiles) {
    const row = byKey.get(`${message.itemId}\u0000${message.externalId}`);
    if (!row || sameJson(row.attachments, message.attachments)) continue;
    await tx.message.update({ where: { id: row.id }, data: { attachments: message.attachments } });
    changedIds.add(row.itemId);
  }
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
