// Turns connector items into Items and Messages. Idempotent: rows are keyed by the marketplace's own
// ids — (account, channel, externalId) and (item, message externalId) — so a replayed page changes
// nothing, and upstream changes (answered elsewhere, moderation, edits) update the row.
//
// A page costs a fixed number of statements whatever its size (read the known rows, insert the new
// ones, update the changed ones, insert messages, refresh chat threads), each one multi-row over
// arrays (unnest), so ingest keeps up with the marketplace's rate limits at any volume.
import { randomUUID } from "node:crypto";
import type { ChannelAttachment, ChannelItem, ChannelMessage } from "@inbox/connectors";
import type { Channel, Marketplace, RawTransaction } from "@inbox/db";
import { normalize, REPLY_MESSAGE_PREFIX } from "./deliver-reply";

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

/** A transaction: `rawTransaction`'s (what sync uses) or a Prisma interactive one. */
type Tx = RawTransaction;

function toDate(iso: string, field: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Connector returned an invalid ${field}: ${JSON.stringify(iso)}`);
  return date;
}

/** Attachments as stored: a JSON array, or NULL when there are none. */
function attachmentsJson(attachments: ChannelAttachment[] | undefined): string | null {
  return attachments && attachments.length > 0 ? JSON.stringify(attachments) : null;
}

/** Key-order-independent JSON equality (jsonb does not keep key order). */
function sameJson(stored: unknown, next: string | null): boolean {
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
  return JSON.stringify(canonical(stored ?? null)) === JSON.stringify(canonical(next === null ? null : JSON.parse(next)));
}

let idCounter = 0;
/**
 * Row ids made here rather than by Prisma (rows are written with raw multi-row SQL): cuid-like and
 * increasing within a process, so rows created together keep their order as a tie-break.
 */
function newId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  // 12 random hex digits from Node's buffered UUIDs (the digits before the version nibble): one
  // randomBytes(6) per id was a getrandom system call each, about 4 % of the sync worker's CPU.
  const uuid = randomUUID();
  return `c${Date.now().toString(36).padStart(9, "0")}${idCounter.toString(36).padStart(4, "0")}${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
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
    mediaCount: item.media ? JSON.stringify(item.media) : null,
    // Counts without URLs (Ozon's review list): fetched when the item is opened (services/item-media.ts).
    mediaPending: item.media !== undefined && item.attachments === undefined && item.media.images + item.media.videos > 0,
    orderStatus: item.orderStatus ? item.orderStatus.toUpperCase() : null,
    upstreamCreatedAt: created,
    answered: item.answered,
    answerText: item.answerText ?? null,
    answerState: item.answerState ?? null,
    answerEditable: item.answerEditable ?? false,
    lastActivityAt: newest && newest > created ? newest : created,
  };
}

type ItemFields = ReturnType<typeof upstreamFields> & { id: string; read: boolean };

/**
 * A known item listed with media counts but without URLs: the URLs fetched for it earlier stay while
 * the counts are unchanged; when the counts change they stay shown until the new ones are fetched.
 */
function keptMedia(
  row: Pick<StoredItem, "attachments" | "mediaCount" | "mediaPending">,
  item: ChannelItem,
): Partial<Pick<ItemFields, "attachments" | "mediaPending">> {
  if (!item.media || item.attachments !== undefined || item.media.images + item.media.videos === 0) return {};
  const stored = row.attachments === null ? null : JSON.stringify(row.attachments);
  const sameCounts = sameJson(row.mediaCount, JSON.stringify(item.media));
  return { attachments: stored, mediaPending: sameCounts ? row.mediaPending : true };
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
  "answerEditable",
  "orderStatus",
] as const;

/** The stored-row columns of the answer's first row when no row was stored before. */
type NotStored = { [K in keyof StoredItem | "answeredByUs"]: null };

type StoredItem = {
  id: string;
  externalId: string;
  read: boolean;
  lastActivityAt: Date;
  text: string;
  pros: string | null;
  cons: string | null;
  rating: number | null;
  authorName: string | null;
  productName: string | null;
  productUrl: string | null;
  attachments: unknown;
  mediaCount: unknown;
  mediaPending: boolean;
  orderStatus: string | null;
  answered: boolean;
  answerText: string | null;
  answerState: string | null;
  answerEditable: boolean;
};

/** Column arrays of `rows`, for `unnest`. Timestamps travel as UTC ISO strings. */
function columns(rows: ItemFields[]) {
  return {
    id: rows.map((row) => row.id),
    text: rows.map((row) => row.text),
    pros: rows.map((row) => row.pros),
    cons: rows.map((row) => row.cons),
    rating: rows.map((row) => row.rating),
    authorName: rows.map((row) => row.authorName),
    productExternalId: rows.map((row) => row.productExternalId),
    productName: rows.map((row) => row.productName),
    productArticle: rows.map((row) => row.productArticle),
    productUrl: rows.map((row) => row.productUrl),
    attachments: rows.map((row) => row.attachments),
    mediaCount: rows.map((row) => row.mediaCount),
    mediaPending: rows.map((row) => row.mediaPending),
    orderStatus: rows.map((row) => row.orderStatus),
    upstreamCreatedAt: rows.map((row) => row.upstreamCreatedAt.toISOString()),
    answered: rows.map((row) => row.answered),
    answerText: rows.map((row) => row.answerText),
    answerState: rows.map((row) => row.answerState),
    answerEditable: rows.map((row) => row.answerEditable),
    read: rows.map((row) => row.read),
    lastActivityAt: rows.map((row) => row.lastActivityAt.toISOString()),
  };
}

/**
 * A page made ready to store without the database: threads merged, upstream fields parsed, row ids
 * drawn and the columns of every item as a new one built. The sync prepares the next page while the
 * current one's statements run (sync-account.ts), so storing it starts with sending statements,
 * not building them. Throws on an invalid date from the connector.
 */
export interface PreparedPage {
  /** Items as the connector gave them (before merging). */
  fetched: number;
  byId: Map<string, ChannelItem>;
  rows: Map<string, ItemFields & { externalId: string }>;
  /** Columns of every row as a new item: the INSERT, which skips the rows already stored. */
  allNew: ReturnType<typeof columns> & { externalId: string[] };
}

export function preparePage(items: ChannelItem[]): PreparedPage {
  // A page may carry the same thread twice (e.g. events of one chat); merge before writing.
  const byId = new Map<string, ChannelItem>();
  for (const item of items) {
    const previous = byId.get(item.externalId);
    byId.set(item.externalId, previous ? { ...item, messages: [...(previous.messages ?? []), ...(item.messages ?? [])] } : item);
  }
  const rows = new Map<string, ItemFields & { externalId: string }>();
  for (const item of byId.values()) {
    rows.set(item.externalId, { ...upstreamFields(item), id: newId(), externalId: item.externalId, read: item.read ?? false });
  }
  const all = [...rows.values()];
  return { fetched: items.length, byId, rows, allNew: { ...columns(all), externalId: all.map((row) => row.externalId) } };
}

export function ingestItems(tx: Tx, target: IngestTarget, items: ChannelItem[]): Promise<IngestResult> {
  return ingestPrepared(tx, target, preparePage(items));
}

export async function ingestPrepared(tx: Tx, target: IngestTarget, page: PreparedPage): Promise<IngestResult> {
  const { byId } = page;
  if (byId.size === 0) return { fetched: 0, changed: 0 };
  // One statement: the INSERT of every row not stored yet, and the rows that were already stored. Its
  // SELECT sees the table as it was before the statement, and probes only the keys the INSERT
  // skipped: a page of new items reads nothing back (on a first sync, ~5 % of the database's work).
  const c = page.allNew;
  const answer = await tx.$queryRaw<Array<{ created: string[] | null } & ((StoredItem & { answeredByUs: boolean }) | NotStored)>>`
    WITH created AS (
      INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "pros", "cons", "rating",
        "authorName", "productExternalId", "productName", "productArticle", "productUrl", "attachments", "mediaCount",
        "mediaPending", "orderStatus", "upstreamCreatedAt", "answered", "answerText", "answerState", "answerEditable", "read",
        "lastActivityAt", "updatedAt")
      SELECT u."id", ${target.sellerId}, ${target.accountId}, ${target.marketplace}::"Marketplace", ${target.channel}::"Channel",
        u."externalId", u."text", u."pros", u."cons", u."rating", u."authorName", u."productExternalId", u."productName",
        u."productArticle", u."productUrl", u."attachments", u."mediaCount", u."mediaPending", u."orderStatus", u."upstreamCreatedAt",
        u."answered", u."answerText", u."answerState", u."answerEditable", u."read", u."lastActivityAt", now()
      FROM unnest(${c.id}::text[], ${c.externalId}::text[], ${c.text}::text[], ${c.pros}::text[],
        ${c.cons}::text[], ${c.rating}::int[], ${c.authorName}::text[], ${c.productExternalId}::text[], ${c.productName}::text[],
        ${c.productArticle}::text[], ${c.productUrl}::text[], ${c.attachments}::jsonb[], ${c.mediaCount}::jsonb[],
        ${c.mediaPending}::boolean[], ${c.orderStatus}::"OrderStatus"[], ${c.upstreamCreatedAt}::timestamp(3)[],
        ${c.answered}::boolean[], ${c.answerText}::text[], ${c.answerState}::text[], ${c.answerEditable}::boolean[],
        ${c.read}::boolean[], ${c.lastActivityAt}::timestamp(3)[])
        AS u("id", "externalId", "text", "pros", "cons", "rating", "authorName", "productExternalId", "productName",
          "productArticle", "productUrl", "attachments", "mediaCount", "mediaPending", "orderStatus", "upstreamCreatedAt",
          "answered", "answerText", "answerState", "answerEditable", "read", "lastActivityAt")
      -- A probe of the unique index per row (a subquery the planner cannot turn into a join over the
      -- account's rows): stored rows are skipped before their search vector is computed.
      WHERE (
        SELECT i."id" FROM "Item" i
        WHERE i."accountId" = ${target.accountId} AND i."channel" = ${target.channel}::"Channel" AND i."externalId" = u."externalId"
      ) IS NULL
      RETURNING "externalId"
    )
    -- At least one row (the created keys), then one per stored row.
    SELECT (SELECT array_agg("externalId") FROM created) AS "created", stored.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT i."id", i."externalId", i."read", i."lastActivityAt", i."text", i."pros", i."cons", i."rating", i."authorName",
        i."productName", i."productUrl", i."attachments", i."mediaCount", i."mediaPending", i."orderStatus"::text AS "orderStatus",
        i."answered", i."answerText", i."answerState", i."answerEditable",
        -- Our own answers the marketplace does not list yet (moderation, a feed page read before the
        -- send was recorded): the item stays answered rather than invite a second answer.
        (i."channel" <> 'CHAT' AND EXISTS (SELECT 1 FROM "Reply" r WHERE r."itemId" = i."id" AND r."status" = 'SENT'::"ReplyStatus"))
          AS "answeredByUs"
      FROM "Item" i
      WHERE i."accountId" = ${target.accountId} AND i."channel" = ${target.channel}::"Channel"
        AND i."externalId" = ANY(ARRAY(SELECT unnest(${c.externalId}::text[]) EXCEPT SELECT "externalId" FROM created))
    ) AS stored ON true`;
  const created = answer[0]?.created ?? [];
  const stored = answer.filter((row): row is typeof row & StoredItem & { answeredByUs: boolean } => row.id !== null);
  const idByExternalId = new Map<string, string>();
  const changedIds = new Set<string>();
  for (const externalId of created) {
    const id = page.rows.get(externalId)!.id;
    idByExternalId.set(externalId, id);
    changedIds.add(id);
  }
  // A client that ran the two in another order would read the new rows too: they are not known ones.
  const existing = stored.filter((row) => !idByExternalId.has(row.externalId));
  const answeredByUs = new Set(existing.filter((row) => row.answeredByUs).map((row) => row.id));

  // Known items: one UPDATE of the rows where upstream really changed.
  const updates: ItemFields[] = [];
  for (const row of existing) {
    idByExternalId.set(row.externalId, row.id);
    const item = byId.get(row.externalId)!;
    // The prepared row's id and read state were drawn for a new item: the stored ones stand.
    const { id: _newId, read: _newRead, ...upstream } = page.rows.get(row.externalId)!;
    const fields = { ...upstream, ...keptMedia(row, item) };
    // Also when upstream shows it answered without the text (Ozon: PROCESSED, comment in moderation).
    if (answeredByUs.has(row.id) && (!fields.answered || fields.answerText === null)) {
      fields.answered = true;
      fields.answerText = row.answerText ?? fields.answerText;
      fields.answerState = row.answerState;
      fields.answerEditable = row.answerEditable;
    }
    const record: Record<string, unknown> = row;
    // A chat's text, answered flag and activity time follow its stored messages (see below).
    const compared = target.channel === "CHAT" ? COMPARED.filter((key) => key !== "text" && key !== "answered") : COMPARED;
    const newActivity = target.channel !== "CHAT" && fields.lastActivityAt > row.lastActivityAt;
    // Upstream read state wins when the marketplace reports one.
    const read = item.read ?? row.read;
    const mediaChanged =
      !sameJson(row.attachments, fields.attachments) ||
      !sameJson(row.mediaCount, fields.mediaCount) ||
      row.mediaPending !== fields.mediaPending;
    if (compared.some((key) => record[key] !== fields[key]) || mediaChanged || newActivity || read !== row.read) {
      updates.push({
        ...fields,
        id: row.id,
        read,
        ...(target.channel === "CHAT"
          ? { text: row.text, answered: row.answered, lastActivityAt: row.lastActivityAt }
          : { lastActivityAt: newActivity ? fields.lastActivityAt : row.lastActivityAt }),
      });
      changedIds.add(row.id);
    }
  }
  if (updates.length > 0) {
    const c = columns(updates);
    await tx.$executeRaw`
      UPDATE "Item" AS i SET "text" = u."text", "pros" = u."pros", "cons" = u."cons", "rating" = u."rating",
        "authorName" = u."authorName", "productExternalId" = u."productExternalId", "productName" = u."productName",
        "productArticle" = u."productArticle", "productUrl" = u."productUrl", "attachments" = u."attachments",
        "mediaCount" = u."mediaCount", "mediaPending" = u."mediaPending", "orderStatus" = u."orderStatus",
        "upstreamCreatedAt" = u."upstreamCreatedAt",
        "answered" = u."answered", "answerText" = u."answerText", "answerState" = u."answerState",
        "answerEditable" = u."answerEditable", "read" = u."read",
        "lastActivityAt" = u."lastActivityAt", "updatedAt" = now()
      FROM unnest(${c.id}::text[], ${c.text}::text[], ${c.pros}::text[], ${c.cons}::text[], ${c.rating}::int[],
        ${c.authorName}::text[], ${c.productExternalId}::text[], ${c.productName}::text[], ${c.productArticle}::text[],
        ${c.productUrl}::text[], ${c.attachments}::jsonb[], ${c.mediaCount}::jsonb[], ${c.mediaPending}::boolean[],
        ${c.orderStatus}::"OrderStatus"[], ${c.upstreamCreatedAt}::timestamp(3)[], ${c.answered}::boolean[],
        ${c.answerText}::text[], ${c.answerState}::text[], ${c.answerEditable}::boolean[], ${c.read}::boolean[],
        ${c.lastActivityAt}::timestamp(3)[])
        AS u("id", "text", "pros", "cons", "rating", "authorName", "productExternalId", "productName", "productArticle",
          "productUrl", "attachments", "mediaCount", "mediaPending", "orderStatus", "upstreamCreatedAt", "answered", "answerText",
          "answerState", "answerEditable", "read", "lastActivityAt")
      WHERE i."id" = u."id"`;
  }

  // Messages of every thread on the page: one INSERT. A known message is left as it is, except for
  // attachments that appeared or changed since (e.g. a file that passed moderation).
  const messages = [...byId.values()].flatMap((item) =>
    (item.messages ?? []).map((message) => ({
      id: newId(),
      itemId: idByExternalId.get(item.externalId)!,
      externalId: message.externalId,
      direction: MESSAGE_DIRECTIONS[message.direction],
      text: message.text,
      authorName: message.authorName ?? null,
      attachments: attachmentsJson(message.attachments),
      sentAt: toDate(message.createdAt, "message createdAt").toISOString(),
    })),
  );
  if (messages.length === 0) return { fetched: page.fetched, changed: changedIds.size };
  const claimed = target.channel === "CHAT" ? await claimReplyMessages(tx, messages) : [];
  for (const itemId of claimed) changedIds.add(itemId);
  const written = await tx.$queryRaw<{ itemId: string; inserted: boolean }[]>`
    INSERT INTO "Message" ("id", "itemId", "externalId", "direction", "text", "authorName", "attachments", "sentAt")
    SELECT u."id", u."itemId", u."externalId", u."direction"::"MessageDirection", u."text", u."authorName", u."attachments", u."sentAt"
    FROM unnest(${messages.map((m) => m.id)}::text[], ${messages.map((m) => m.itemId)}::text[], ${messages.map((m) => m.externalId)}::text[],
      ${messages.map((m) => m.direction)}::text[], ${messages.map((m) => m.text)}::text[], ${messages.map((m) => m.authorName)}::text[],
      ${messages.map((m) => m.attachments)}::jsonb[], ${messages.map((m) => m.sentAt)}::timestamp(3)[])
      AS u("id", "itemId", "externalId", "direction", "text", "authorName", "attachments", "sentAt")
    ON CONFLICT ("itemId", "externalId") DO UPDATE SET "attachments" = EXCLUDED."attachments"
      WHERE EXCLUDED."attachments" IS NOT NULL AND "Message"."attachments" IS DISTINCT FROM EXCLUDED."attachments"
    RETURNING "itemId", (xmax = 0) AS "inserted"`;
  for (const message of written) changedIds.add(message.itemId);
  const inserted = written.filter((message) => message.inserted);
  if (target.channel === "CHAT" && (inserted.length > 0 || claimed.length > 0)) {
    const threads = [...new Set([...inserted.map((message) => message.itemId), ...claimed])];
    const reportsRead = new Set(
      [...byId.values()].filter((item) => item.read !== undefined).map((item) => idByExternalId.get(item.externalId)!),
    );
    await refreshThreadState(
      tx,
      threads,
      threads.filter((itemId) => !reportsRead.has(itemId)),
    );
    for (const itemId of threads) changedIds.add(itemId);
  }
  return { fetched: page.fetched, changed: changedIds.size };
}

/**
 * Our own replies read back: a reply sent from Inbox is stored at once as a provisional message
 * ("inbox-reply:<replyId>", sync/deliver-reply.ts). The marketplace's copy of it (ours, same text,
 * within an hour, not stored yet) takes over that row — it gets the marketplace's id and time — instead
 * of becoming a second message. Each provisional message is claimed by at most one copy, oldest first.
 * Returns the threads whose messages changed.
 */
async function claimReplyMessages(
  tx: Tx,
  messages: Array<{ itemId: string; externalId: string; direction: string; text: string; sentAt: string }>,
): Promise<string[]> {
  const outgoing = messages.filter((message) => message.direction === "OUT" && !message.externalId.startsWith(REPLY_MESSAGE_PREFIX));
  if (outgoing.length === 0) return [];
  const threads = [...new Set(outgoing.map((message) => message.itemId))];
  const provisional = await tx.$queryRaw<Array<{ id: string; itemId: string; text: string; sentAt: Date }>>`
    SELECT "id", "itemId", "text", "sentAt" FROM "Message"
    WHERE "itemId" = ANY(${threads}::text[]) AND "externalId" LIKE ${`${REPLY_MESSAGE_PREFIX}%`} ORDER BY "sentAt", "id"`;
  if (provisional.length === 0) return [];
  const stored = await tx.$queryRaw<Array<{ itemId: string; externalId: string }>>`
    SELECT "itemId", "externalId" FROM "Message"
    WHERE ("itemId", "externalId") IN (SELECT * FROM unnest(${outgoing.map((m) => m.itemId)}::text[], ${outgoing.map((m) => m.externalId)}::text[]))`;
  const known = new Set(stored.map((message) => `${message.itemId}/${message.externalId}`));
  const claimed = new Set<string>();
  const touched = new Set<string>();
  const byTime = [...outgoing].sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
  for (const message of byTime) {
    if (known.has(`${message.itemId}/${message.externalId}`)) continue;
    const sentAt = Date.parse(message.sentAt);
    const match = provisional.find(
      (candidate) =>
        !claimed.has(candidate.id) &&
        candidate.itemId === message.itemId &&
        normalize(candidate.text) === normalize(message.text) &&
        Math.abs(candidate.sentAt.getTime() - sentAt) <= 3_600_000,
    );
    if (!match) continue;
    claimed.add(match.id);
    touched.add(match.itemId);
    await tx.$executeRaw`
      UPDATE "Message" SET "externalId" = ${message.externalId}, "sentAt" = ${message.sentAt}::timestamp(3) WHERE "id" = ${match.id}`;
  }
  return [...touched];
}

const MESSAGE_DIRECTIONS = { in: "IN", out: "OUT", notice: "NOTICE" } as const satisfies Record<ChannelMessage["direction"], string>;

/**
 * A chat's summary follows its messages: answered when the newest message of the buyer or the seller
 * is ours (the marketplace's notices neither ask nor answer, as in the connectors' `threadSummary`),
 * text = the first customer message, activity = the newest message of any. Recomputed from the
 * stored messages when new ones arrive, because feeds may deliver a thread in pieces (Wildberries
 * sends only new events). One statement for all threads. Without an upstream read flag, a thread
 * whose newest message is the customer's becomes unread.
 */
async function refreshThreadState(tx: Tx, threads: string[], newCustomerMessageMarksUnread: string[]) {
  await tx.$executeRaw`
    UPDATE "Item" AS i
    SET "answered" = COALESCE(party."direction" = 'OUT', false), "lastActivityAt" = newest."sentAt",
      "text" = COALESCE(first."text", i."text"),
      "read" = CASE WHEN i."id" = ANY(${newCustomerMessageMarksUnread}::text[]) AND party."direction" = 'IN' THEN false ELSE i."read" END,
      "updatedAt" = now()
    FROM (
      SELECT DISTINCT ON ("itemId") "itemId", "sentAt" FROM "Message"
      WHERE "itemId" = ANY(${threads}::text[]) ORDER BY "itemId", "sentAt" DESC, "id" DESC
    ) AS newest
    LEFT JOIN (
      SELECT DISTINCT ON ("itemId") "itemId", "direction" FROM "Message"
      WHERE "itemId" = ANY(${threads}::text[]) AND "direction" <> 'NOTICE' ORDER BY "itemId", "sentAt" DESC, "id" DESC
    ) AS party ON party."itemId" = newest."itemId"
    LEFT JOIN (
      SELECT DISTINCT ON ("itemId") "itemId", "text" FROM "Message"
      WHERE "itemId" = ANY(${threads}::text[]) AND "direction" = 'IN' ORDER BY "itemId", "sentAt" ASC, "id" ASC
    ) AS first ON first."itemId" = newest."itemId"
    WHERE i."id" = newest."itemId"`;
}
