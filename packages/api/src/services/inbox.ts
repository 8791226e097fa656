// Reading the inbox of one (already authorised) seller.
import { listMarketplaces } from "@inbox/connectors";
import { Channel, Marketplace, Prisma, type PrismaClient, type ReplyStatus } from "@inbox/db";
import { AppError } from "../errors";
import { fromDbChannel, fromDbMarketplace, toDbChannel, toDbMarketplace, type ChannelName, type MarketplaceName } from "./enums";
import { decodeInboxCursor, encodeInboxCursor } from "./inbox-cursor";
import { MESSAGE_PAGE_DEFAULT, readMessagePage, storedAttachments } from "./item-messages";

export interface InboxFilter {
  marketplace?: MarketplaceName;
  channel?: ChannelName;
  status?: "unanswered" | "answered";
  read?: boolean;
}

export type InboxPageParams = InboxFilter & { cursor?: string | null; limit: number };

// Every value an Item row can hold: the per-bucket ranges must cover them all.
const ALL_MARKETPLACES = Object.values(Marketplace);
const ALL_CHANNELS = Object.values(Channel);
const BOTH = [false, true];

/** Columns of a list row; the page is read from the index and fetches nothing else per row. */
const LIST_COLUMNS = Prisma.sql`"id", "accountId", "marketplace", "channel", "text", "rating", "authorName", "productName",
  "upstreamCreatedAt", "lastActivityAt", "answered", "read", "messageCount", "lastMessageText", "lastMessageAt"`;

interface InboxPageRow {
  id: string;
  accountId: string;
  accountName: string;
  marketplace: Marketplace;
  channel: Channel;
  text: string;
  rating: number | null;
  authorName: string | null;
  productName: string | null;
  upstreamCreatedAt: Date;
  lastActivityAt: Date;
  answered: boolean;
  read: boolean;
  messageCount: number;
  lastMessageText: string | null;
  lastMessageAt: Date | null;
  replyStatus: ReplyStatus | null;
}

/**
 * The page query (docs/performance.md, "Read path"). The keyset cursor is a row comparison, which
 * PostgreSQL applies as an index condition: every page is a seek, however deep. Unfiltered, by
 * status or by read state (the inbox tabs) it walks one index. Any other filter merges the ordered
 * ranges of the matching (marketplace, channel, answered, read) buckets of Item_bucket_activity_idx
 * (at most 12), so a filtered page reads about `limit` rows however rare the matches are. Reply
 * status is looked up for the page's rows only.
 */
export function inboxPageQuery(sellerId: string, params: InboxPageParams): Prisma.Sql {
  const after = params.cursor ? decodeInboxCursor(params.cursor) : null;
  const cursor = after ? Prisma.sql`AND ("lastActivityAt", "id") < (${after.lastActivityAt}::timestamp(3), ${after.id})` : Prisma.empty;
  // Each range is ordered and limited itself, so the planner reads it as a lazy index seek.
  const order = Prisma.sql`ORDER BY "lastActivityAt" DESC, "id" DESC LIMIT ${params.limit + 1}`;
  const byMarketplaceOrChannel = params.marketplace || params.channel;
  const byStatusAndRead = params.status && params.read !== undefined;
  let ranges: Prisma.Sql;
  if (!byMarketplaceOrChannel && !byStatusAndRead) {
    // One ordered range of Item(sellerId, …), (sellerId, answered, …) or (sellerId, read, …).
    const status = params.status ? Prisma.sql`AND "answered" = ${params.status === "answered"}` : Prisma.empty;
    const read = params.read !== undefined ? Prisma.sql`AND "read" = ${params.read}` : Prisma.empty;
    ranges = Prisma.sql`SELECT ${LIST_COLUMNS} FROM "Item" WHERE "sellerId" = ${sellerId} ${status} ${read} ${cursor}`;
  } else {
    const marketplaces = params.marketplace ? [toDbMarketplace(params.marketplace)] : ALL_MARKETPLACES;
    const channels = params.channel ? [toDbChannel(params.channel)] : ALL_CHANNELS;
    const answeredStates = params.status ? [params.status === "answered"] : BOTH;
    const readStates = params.read !== undefined ? [params.read] : BOTH;
    const buckets = marketplaces.flatMap((marketplace) =>
      channels.flatMap((channel) =>
        answeredStates.flatMap((answered) =>
          readStates.map(
            (read) =>
              Prisma.sql`(SELECT ${LIST_COLUMNS} FROM "Item" WHERE "sellerId" = ${sellerId} AND "marketplace" = ${marketplace}::"Marketplace"
                AND "channel" = ${channel}::"Channel" AND "answered" = ${answered} AND "read" = ${read} ${cursor} ${order})`,
          ),
        ),
      ),
    );
    ranges = Prisma.join(buckets, " UNION ALL ");
  }
  return Prisma.sql`WITH page AS (
      SELECT * FROM (${ranges}) AS ranges ${order}
    )
    SELECT page.*, account."displayName" AS "accountName",
      (SELECT reply."status" FROM "Reply" AS reply WHERE reply."itemId" = page."id" ORDER BY reply."createdAt" DESC LIMIT 1) AS "replyStatus"
    FROM page JOIN "MarketplaceAccount" AS account ON account."id" = page."accountId"
    ORDER BY page."lastActivityAt" DESC, page."id" DESC`;
}

/**
 * Per-status item counts for the seller and the marketplace/channel filter: a sum over the
 * trigger-kept InboxCount rows and their pending deltas (a few dozen rows), exact in one snapshot.
 */
export function inboxCountsQuery(sellerId: string, filter: Pick<InboxFilter, "marketplace" | "channel">): Prisma.Sql {
  const where = Prisma.sql`"sellerId" = ${sellerId}
    ${filter.marketplace ? Prisma.sql`AND "marketplace" = ${toDbMarketplace(filter.marketplace)}::"Marketplace"` : Prisma.empty}
    ${filter.channel ? Prisma.sql`AND "channel" = ${toDbChannel(filter.channel)}::"Channel"` : Prisma.empty}`;
  return Prisma.sql`SELECT "answered", "read", SUM("items")::int AS "items" FROM (
      SELECT "answered", "read", "items" FROM "InboxCount" WHERE ${where}
      UNION ALL
      SELECT "answered", "read", "delta" AS "items" FROM "InboxCountDelta" WHERE ${where}
    ) AS counted
    GROUP BY "answered", "read"`;
}

export async function listInbox(prisma: PrismaClient, sellerId: string, params: InboxPageParams) {
  const [rows, groups] = await Promise.all([
    prisma.$queryRaw<InboxPageRow[]>(inboxPageQuery(sellerId, params)),
    prisma.$queryRaw<Array<{ answered: boolean; read: boolean; items: number }>>(inboxCountsQuery(sellerId, params)),
  ]);
  const count = (match: (group: (typeof groups)[number]) => boolean) => groups.filter(match).reduce((sum, group) => sum + group.items, 0);
  const all = count(() => true);
  const answered = count((group) => group.answered);
  const unread = count((group) => !group.read);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => {
      // A chat is previewed by its newest message; a review or question by its own text.
      const preview = row.channel === "CHAT" && row.lastMessageText !== null ? row.lastMessageText : row.text;
      return {
        id: row.id,
        marketplace: fromDbMarketplace(row.marketplace),
        channel: fromDbChannel(row.channel),
        account: { id: row.accountId, displayName: row.accountName },
        text: preview.length > 280 ? `${preview.slice(0, 279)}…` : preview,
        rating: row.rating,
        authorName: row.authorName,
        productName: row.productName,
        upstreamCreatedAt: row.upstreamCreatedAt,
        lastActivityAt: row.lastActivityAt,
        lastMessageAt: row.lastMessageAt,
        answered: row.answered,
        read: row.read,
        messageCount: row.messageCount,
        replyStatus: row.replyStatus,
      };
    }),
    nextCursor: rows.length > params.limit && last ? encodeInboxCursor(last) : null,
    counts: { all, answered, unanswered: all - answered, unread },
  };
}

/**
 * Whether the composer is offered, and why: a chat takes any number of messages; a review or
 * question takes one answer, and no connector can edit one, so once it is answered (or an answer is
 * on its way) the answer is shown instead.
 */
export type ComposerState =
  { open: true; kind: "message" | "answer" } | { open: false; why: "answered" | "reply_on_its_way" | "replies_not_supported" };

function composerState(
  item: { marketplace: Marketplace; channel: Channel; answered: boolean },
  replies: Array<{ status: ReplyStatus }>,
): ComposerState {
  const capabilities = listMarketplaces()
    .find((entry) => entry.id === fromDbMarketplace(item.marketplace))
    ?.channels.find((entry) => entry.channel === fromDbChannel(item.channel))?.capabilities;
  if (!capabilities?.sendReply) return { open: false, why: "replies_not_supported" };
  if (item.channel === "CHAT") return { open: true, kind: "message" };
  if (item.answered) return { open: false, why: "answered" };
  if (replies.some((reply) => reply.status !== "FAILED")) return { open: false, why: "reply_on_its_way" };
  return { open: true, kind: "answer" };
}

export async function getInboxItem(prisma: PrismaClient, sellerId: string, itemId: string, messageLimit = MESSAGE_PAGE_DEFAULT) {
  const item = await prisma.item.findFirst({
    where: { id: itemId, sellerId },
    include: {
      account: { select: { id: true, displayName: true, marketplace: true } },
      seller: { select: { name: true } },
      replies: {
        orderBy: { createdAt: "asc" },
        select: { id: true, text: true, status: true, error: true, createdAt: true, sentAt: true, author: { select: { name: true } } },
      },
    },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  // Chats only: the latest page of the thread, and a cursor for older messages (inbox.messages).
  const thread =
    item.channel === "CHAT" ? await readMessagePage(prisma, item.id, { limit: messageLimit }) : { messages: [], olderCursor: null };
  return {
    id: item.id,
    sellerId: item.sellerId,
    sellerName: item.seller.name,
    marketplace: fromDbMarketplace(item.marketplace),
    channel: fromDbChannel(item.channel),
    account: { id: item.account.id, displayName: item.account.displayName },
    externalId: item.externalId,
    text: item.text,
    pros: item.pros,
    cons: item.cons,
    rating: item.rating,
    authorName: item.authorName,
    product: { externalId: item.productExternalId, name: item.productName, article: item.productArticle, url: item.productUrl },
    attachments: storedAttachments(item.attachments),
    upstreamCreatedAt: item.upstreamCreatedAt,
    lastActivityAt: item.lastActivityAt,
    answered: item.answered,
    answerText: item.answerText,
    answerState: item.answerState,
    read: item.read,
    messageCount: item.messageCount,
    messages: thread.messages,
    olderMessagesCursor: thread.olderCursor,
    replies: item.replies,
    composer: composerState(item, item.replies),
  };
}
