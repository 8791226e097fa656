// The inbox list as the UI holds it, built from the router's pages and counts. Used by the server
// page for the first page and by the browser for the pages appended after it, so both read the same
// shape.
import type { RouterInputs, RouterOutputs } from "@inbox/api";
import { filterInputFromUrl, type InboxUrlState } from "~/lib/inbox-url";

export type InboxScope = { kind: "all" } | { kind: "seller"; sellerId: string };
export type StatusKey = "all" | "unanswered" | "answered" | "reply_pending" | "reply_failed";

/** Text cut at the search matches (`match` runs are highlighted). */
export type Highlight = Array<{ text: string; match: boolean }>;

export interface InboxRow {
  /** `sellerId.itemId`: unique over all sellers, and the value of the split view's `open` parameter. */
  key: string;
  sellerId: string;
  sellerName: string;
  id: string;
  marketplace: string;
  channel: string;
  rating: number | null;
  productName: string | null;
  authorName: string | null;
  text: string;
  /** When searching: the matched words in the text, author and product. */
  highlight: { snippet: Highlight | null; authorName: Highlight | null; productName: Highlight | null } | null;
  lastActivityAt: Date;
  answered: boolean;
  read: boolean;
  replyStatus: string | null;
  messageCount: number;
  /** The member who takes care of it; null: unassigned. */
  assignee: { id: string; name: string } | null;
}

/** A count; `more` means "at least this many" (the server stops counting at its cap). */
export interface Count {
  count: number;
  more: boolean;
}

export interface InboxCounts {
  statuses: Partial<Record<StatusKey, Count>>;
  channels: Partial<Record<string, Count>>;
  /** Items matching the whole filter: what "select all N matching" selects. */
  matching: Count | null;
  /** Items assigned to the caller, and to nobody (in the sellers shown). */
  assignee: { me: Count; none: Count } | null;
}

export interface InboxPage {
  rows: InboxRow[];
  nextCursor: string | null;
  /** Read with the first page only; later pages leave it null. */
  counts: InboxCounts | null;
}

export const PAGE_SIZE = 30;

type ListOutput = RouterOutputs["inbox"]["listAll"];
type CountsOutput = RouterOutputs["inbox"]["countsAll"];
type AllInput = RouterInputs["inbox"]["listAll"];
type SellerInput = RouterInputs["inbox"]["list"];

/** The router's inbox procedures, called in-process on the server or over HTTP in the browser. */
export interface InboxReader {
  list: (input: SellerInput) => Promise<ListOutput>;
  listAll: (input: AllInput) => Promise<ListOutput>;
  counts: (input: RouterInputs["inbox"]["counts"]) => Promise<CountsOutput>;
  countsAll: (input: RouterInputs["inbox"]["countsAll"]) => Promise<CountsOutput>;
}

/** The filter of the URL as the router takes it (the router's schema judges the values). */
export function filterOf(state: InboxUrlState) {
  return filterInputFromUrl(state) as Omit<AllInput, "cursor" | "limit">;
}

/** The filter that selects "all matching" in bulk actions: a seller's inbox names its seller. */
export function selectionFilter(scope: InboxScope, state: InboxUrlState) {
  const filter = filterOf(state);
  return scope.kind === "seller" ? { ...filter, sellerIds: [scope.sellerId] } : filter;
}

export async function readInboxPage(
  reader: InboxReader,
  scope: InboxScope,
  state: InboxUrlState,
  cursor: string | null,
): Promise<InboxPage> {
  const filter = filterOf(state);
  const { sellerIds: _ignored, ...sellerFilter } = filter;
  const [list, counts] = await Promise.all([
    scope.kind === "all"
      ? reader.listAll({ ...filter, cursor, limit: PAGE_SIZE })
      : reader.list({ ...sellerFilter, sellerId: scope.sellerId, cursor, limit: PAGE_SIZE }),
    cursor !== null ? null : scope.kind === "all" ? reader.countsAll(filter) : reader.counts({ ...sellerFilter, sellerId: scope.sellerId }),
  ]);
  return { rows: list.items.map(rowOf), nextCursor: list.nextCursor, counts: counts && countsOf(counts) };
}

function rowOf(item: ListOutput["items"][number]): InboxRow {
  return {
    key: `${item.seller.id}.${item.id}`,
    sellerId: item.seller.id,
    sellerName: item.seller.name,
    id: item.id,
    marketplace: item.marketplace,
    channel: item.channel,
    rating: item.rating,
    productName: item.productName,
    authorName: item.authorName,
    text: item.text,
    highlight: item.highlight,
    lastActivityAt: item.lastActivityAt,
    answered: item.answered,
    read: item.read,
    replyStatus: item.replyStatus,
    messageCount: item.messageCount,
    assignee: item.assignee,
  };
}

function countsOf(counts: CountsOutput): InboxCounts {
  const { unanswered, answered } = counts.status;
  return {
    statuses: {
      all: { count: unanswered.count + answered.count, more: unanswered.more || answered.more },
      ...counts.status,
    },
    channels: counts.channels,
    matching: counts.total,
    assignee: counts.assignee,
  };
}
