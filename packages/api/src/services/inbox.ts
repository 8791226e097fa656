// Reading the inbox of one (already authorised) seller: its first-page list and an item. The list over
// any filter and any set of sellers is services/inbox-list.ts.
import { Prisma, type Channel, type Marketplace, type PrismaClient, type ReplyStatus } from "@inbox/db";
import { AppError } from "../errors";
import { fromDbChannel, fromDbMarketplace, fromDbOrderStatus, type ChannelName, type MarketplaceName } from "./enums";
import { normalize } from "../sync/deliver-reply";
import { legacyCounts } from "./inbox-counts";
import { listInboxPage, type InboxQueryFilter } from "./inbox-list";
import { MESSAGE_PAGE_DEFAULT, readMessagePage, storedAttachments } from "./item-messages";
import { channelCapabilities } from "./reply-limits";

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

/**
 * Whether the composer is offered, and why: a chat takes any number of messages; a review or
 * question takes one answer, then edits where the marketplace allows them (kind "edit"; Wildberries:
 * once within 60 days, Yandex Market: while it says the answer can be modified). While a reply is on
 * its way, or once the answer can no longer change, the answer is shown instead: "answered" where
 * the marketplace's API edits no answer, "edit_closed" where it does but not this one any more.
 */
export type ComposerState =
  | { open: true; kind: "message" | "answer" | "edit" }
  | { open: false; why: "answered" | "edit_closed" | "reply_on_its_way" | "replies_not_supported" };

function composerState(
  item: { marketplace: Marketplace; channel: Channel; answered: boolean; answerEditable: boolean },
  replies: Array<{ status: ReplyStatus }>,
): ComposerState {
  const capabilities = channelCapabilities(fromDbMarketplace(item.marketplace), fromDbChannel(item.channel));
  if (!capabilities?.sendReply) return { open: false, why: "replies_not_supported" };
  if (item.channel === "CHAT") return { open: true, kind: "message" };
  const onItsWay = replies.some((reply) => reply.status === "PENDING" || reply.status === "SENDING");
  // A sent answer the marketplace does not show yet still counts: a second one would duplicate it.
  if (!item.answered)
    return onItsWay || replies.some((reply) => reply.status === "SENT")
      ? { open: false, why: "reply_on_its_way" }
      : { open: true, kind: "answer" };
  if (onItsWay) return { open: false, why: "reply_on_its_way" };
  if (!capabilities.editReply) return { open: false, why: "answered" };
  return item.answerEditable ? { open: true, kind: "edit" } : { open: false, why: "edit_closed" };
}

export function getInboxItem(prisma: PrismaClient, sellerId: string, itemId: string, messageLimit = MESSAGE_PAGE_DEFAULT) {
  // One snapshot for the item, its replies and its messages (several statements): a delivery that
  // commits in between would otherwise show its reply as sent beside an item not yet answered, and
  // the page, seeing nothing pending, would stop refreshing in that state.
  return prisma.$transaction((tx) => readInboxItem(tx, sellerId, itemId, messageLimit), {
    isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
  });
}

async function readInboxItem(prisma: Prisma.TransactionClient, sellerId: string, itemId: string, messageLimit: number) {
  const item = await prisma.item.findFirst({
    where: { id: itemId, sellerId },
    include: {
      account: { select: { id: true, displayName: true, marketplace: true } },
      seller: { select: { name: true } },
      assignee: { select: { id: true, name: true } },
      replies: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          text: true,
          kind: true,
          status: true,
          error: true,
          createdAt: true,
          sentAt: true,
          author: { select: { name: true } },
          automationRule: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  // Chats only: the latest page of the thread, and a cursor for older messages (inbox.messages).
  // One after the other: statements of a transaction share its connection.
  const thread =
    item.channel === "CHAT" ? await readMessagePage(prisma, item.id, { limit: messageLimit }) : { messages: [], olderCursor: null };
  const sentAsMessages =
    item.channel === "CHAT"
      ? await prisma.message.findMany({ where: { itemId: item.id, replyId: { not: null } }, select: { replyId: true } })
      : [];
  const shownAsMessage = new Set(sentAsMessages.map((message) => message.replyId));
  const lastSent = item.replies.findLast((reply) => reply.status === "SENT");
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
    /** Photos or videos reported upstream but not stored yet: inbox.media fetches them. */
    mediaPending: item.mediaPending,
    upstreamCreatedAt: item.upstreamCreatedAt,
    lastActivityAt: item.lastActivityAt,
    answered: item.answered,
    answerText: item.answerText,
    /** The member whose reply from Inbox became the answer; null when answered elsewhere (or unknown). */
    answeredBy:
      item.channel === "CHAT" || !item.answerText
        ? null
        : (item.replies.find((reply) => reply.status === "SENT" && normalize(reply.text) === normalize(item.answerText))?.author?.name ??
          null),
    answerState: item.answerState,
    orderStatus: fromDbOrderStatus(item.orderStatus),
    read: item.read,
    /** The member who takes care of it; null: unassigned. */
    assignee: item.assignee,
    messageCount: item.messageCount,
    messages: thread.messages,
    olderMessagesCursor: thread.olderCursor,
    // The outbox entries not already shown as the conversation: a sent chat reply is its message in
    // the thread, a sent answer to a review or question is `answerText` (an answer an edit replaced
    // is gone upstream too). One message per reply.
    replies: item.replies.filter((reply) => {
      if (reply.status !== "SENT") return true;
      if (item.channel === "CHAT") return !shownAsMessage.has(reply.id);
      return reply === lastSent && normalize(reply.text) !== normalize(item.answerText);
    }),
    composer: composerState(item, item.replies),
  };
}
