// Reading the inbox of one (already authorised) seller: its first-page list and an item. The list over
// any filter and any set of sellers is services/inbox-list.ts.
import type { ChannelAttachment } from "@inbox/connectors";
import type { PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { fromDbChannel, fromDbMarketplace, type ChannelName, type MarketplaceName } from "./enums";
import { legacyCounts } from "./inbox-counts";
import { listInboxPage, type InboxQueryFilter } from "./inbox-list";

/** The single-value filter of the first inbox page (still used by the bench's per-seller scenarios). */
export interface InboxFilter {
  marketplace?: MarketplaceName;
  channel?: ChannelName;
  status?: "unanswered" | "answered";
  read?: boolean;
}

export type InboxPageParams = InboxFilter & { cursor?: string | null; limit: number };

/** One seller's page with the per-status summary, as inbox.list returns it for these filters. */
export async function listInbox(prisma: PrismaClient, sellerId: string, params: InboxPageParams) {
  const { marketplace, channel, status, read, cursor, limit } = params;
  const filter: InboxQueryFilter = {
    marketplaces: marketplace ? [marketplace] : undefined,
    channels: channel ? [channel] : undefined,
    status,
    unread: read === undefined ? undefined : !read,
  };
  const page = await listInboxPage(prisma, [{ id: sellerId, name: "" }], filter, { cursor, limit });
  return { items: page.items, nextCursor: page.nextCursor, counts: legacyCounts(page.buckets, filter) };
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
