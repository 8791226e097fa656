// Reading the inbox of one (already authorised) seller.
import type { ChannelAttachment } from "@inbox/connectors";
import type { Prisma, PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { fromDbChannel, fromDbMarketplace, toDbChannel, toDbMarketplace, type ChannelName, type MarketplaceName } from "./enums";
import { decodeInboxCursor, encodeInboxCursor } from "./inbox-cursor";

export interface InboxFilter {
  marketplace?: MarketplaceName;
  channel?: ChannelName;
  status?: "unanswered" | "answered";
  read?: boolean;
}

function whereForFilter(sellerId: string, filter: InboxFilter): Prisma.ItemWhereInput {
  return {
    sellerId,
    ...(filter.marketplace && { marketplace: toDbMarketplace(filter.marketplace) }),
    ...(filter.channel && { channel: toDbChannel(filter.channel) }),
  };
}

export async function listInbox(prisma: PrismaClient, sellerId: string, params: InboxFilter & { cursor?: string | null; limit: number }) {
  const base = whereForFilter(sellerId, params);
  const where: Prisma.ItemWhereInput = {
    ...base,
    ...(params.status && { answered: params.status === "answered" }),
    ...(params.read !== undefined && { read: params.read }),
  };
  if (params.cursor) {
    const after = decodeInboxCursor(params.cursor);
    where.OR = [{ lastActivityAt: { lt: after.lastActivityAt } }, { lastActivityAt: after.lastActivityAt, id: { lt: after.id } }];
  }
  const [rows, groups] = await Promise.all([
    prisma.item.findMany({
      where,
      orderBy: [{ lastActivityAt: "desc" }, { id: "desc" }],
      take: params.limit + 1,
      include: {
        account: { select: { id: true, displayName: true } },
        replies: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true } },
        _count: { select: { messages: true } },
      },
    }),
    // All per-status counts from one grouped query.
    prisma.item.groupBy({ by: ["answered", "read"], where: base, _count: { _all: true } }),
  ]);
  const count = (match: (group: (typeof groups)[number]) => boolean) =>
    groups.filter(match).reduce((sum, group) => sum + group._count._all, 0);
  const all = count(() => true);
  const answered = count((group) => group.answered);
  const unread = count((group) => !group.read);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      marketplace: fromDbMarketplace(row.marketplace),
      channel: fromDbChannel(row.channel),
      account: row.account,
      text: row.text.length > 280 ? `${row.text.slice(0, 279)}…` : row.text,
      rating: row.rating,
      authorName: row.authorName,
      productName: row.productName,
      upstreamCreatedAt: row.upstreamCreatedAt,
      lastActivityAt: row.lastActivityAt,
      answered: row.answered,
      read: row.read,
      messageCount: row._count.messages,
      replyStatus: row.replies[0]?.status ?? null,
    })),
    nextCursor: rows.length > params.limit && last ? encodeInboxCursor(last) : null,
    counts: { all, answered, unanswered: all - answered, unread },
  };
}

export async function getInboxItem(prisma: PrismaClient, sellerId: string, itemId: string) {
  const item = await prisma.item.findFirst({
    where: { id: itemId, sellerId },
    include: {
      account: { select: { id: true, displayName: true, marketplace: true } },
      messages: { orderBy: [{ sentAt: "asc" }, { id: "asc" }] },
      replies: {
        orderBy: { createdAt: "asc" },
        select: { id: true, text: true, status: true, error: true, createdAt: true, sentAt: true, author: { select: { name: true } } },
      },
    },
  });
  if (!item) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });
  return {
    id: item.id,
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
    messages: item.messages.map((message) => ({
      id: message.id,
      direction: message.direction === "IN" ? ("in" as const) : ("out" as const),
      text: message.text,
      authorName: message.authorName,
      attachments: storedAttachments(message.attachments),
      sentAt: message.sentAt,
    })),
    replies: item.replies,
  };
}

const KINDS = new Set(["image", "video", "file"]);
const optionalString = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/** Attachments as ingest stored them (a ChannelAttachment array); anything malformed is skipped. */
function storedAttachments(json: unknown): ChannelAttachment[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((entry): ChannelAttachment[] => {
    if (!entry || typeof entry !== "object") return [];
    const a = entry as Record<string, unknown>;
    if (typeof a.kind !== "string" || !KINDS.has(a.kind)) return [];
    const attachment: ChannelAttachment = {
      kind: a.kind as ChannelAttachment["kind"],
      url: optionalString(a.url),
      previewUrl: optionalString(a.previewUrl),
      downloadId: optionalString(a.downloadId),
      name: optionalString(a.name),
      mimeType: optionalString(a.mimeType),
      sizeBytes: typeof a.sizeBytes === "number" && Number.isFinite(a.sizeBytes) ? a.sizeBytes : undefined,
    };
    return attachment.url || attachment.downloadId ? [attachment] : [];
  });
}
