// The inbox list as the UI holds it, built from the router's pages. Used by the server page for the
// first page and by the browser for the pages appended after it, so both read the same shape.
import type { AppRouter, RouterOutputs } from "@inbox/api";
import type { TRPCClient } from "@trpc/client";
import { filterInputFromUrl, type InboxUrlState } from "~/lib/inbox-url";

export type InboxScope = { kind: "all" } | { kind: "seller"; sellerId: string };
export type StatusKey = "all" | "unanswered" | "answered" | "reply_pending" | "reply_failed";

export interface InboxRow {
  /** `sellerId.itemId`: unique over all sellers, and the value of the split view's `open` parameter. */
  key: string;
  sellerId: string;
  id: string;
  marketplace: string;
  channel: string;
  rating: number | null;
  productName: string | null;
  authorName: string | null;
  text: string;
  /** The text with search matches, as [plain, match, plain, …] runs; null when not searching. */
  highlighted: string[] | null;
  lastActivityAt: Date;
  answered: boolean;
  read: boolean;
  replyStatus: string | null;
  messageCount: number;
}

export interface InboxCounts {
  statuses: Partial<Record<StatusKey, number>>;
  channels: Partial<Record<string, number>>;
  /** Items matching the whole filter: what "select all N matching" selects. */
  matching: number | null;
}

export interface InboxPage {
  rows: InboxRow[];
  nextCursor: string | null;
  counts: InboxCounts;
}

export const PAGE_SIZE = 30;

type SellerListOutput = RouterOutputs["inbox"]["list"];

/** The router input of one page of `scope` filtered by the URL state. */
export function listInput(scope: InboxScope, state: InboxUrlState, cursor: string | null) {
  const filter = filterInputFromUrl(state) as { marketplaces?: string[]; channels?: string[]; status?: string; unread?: boolean };
  if (scope.kind === "all") throw new Error("The inbox over all sellers needs inbox.listAll");
  return {
    sellerId: scope.sellerId,
    marketplace: filter.marketplaces?.[0],
    channel: filter.channels?.[0],
    status: filter.status === "answered" || filter.status === "unanswered" ? filter.status : undefined,
    read: filter.unread === undefined ? undefined : !filter.unread,
    cursor,
    limit: PAGE_SIZE,
  } as const;
}

export function pageFromList(output: SellerListOutput, sellerId: string, state: InboxUrlState): InboxPage {
  const status = (state.status ?? "all") as StatusKey;
  const statuses: InboxCounts["statuses"] = {
    all: output.counts.all,
    unanswered: output.counts.unanswered,
    answered: output.counts.answered,
  };
  return {
    rows: output.items.map((item) => ({
      key: `${sellerId}.${item.id}`,
      sellerId,
      id: item.id,
      marketplace: item.marketplace,
      channel: item.channel,
      rating: item.rating,
      productName: item.productName,
      authorName: item.authorName,
      text: item.text,
      highlighted: null,
      lastActivityAt: item.lastActivityAt,
      answered: item.answered,
      read: item.read,
      replyStatus: item.replyStatus,
      messageCount: item.messageCount,
    })),
    nextCursor: output.nextCursor,
    counts: { statuses, channels: {}, matching: statuses[status] ?? null },
  };
}

/** One page in the browser, after the first (or on refetch). */
export async function fetchInboxPage(
  client: TRPCClient<AppRouter>,
  scope: InboxScope,
  state: InboxUrlState,
  cursor: string | null,
): Promise<InboxPage> {
  if (scope.kind === "all") throw new Error("The inbox over all sellers needs inbox.listAll");
  return pageFromList(await client.inbox.list.query(listInput(scope, state, cursor)), scope.sellerId, state);
}
