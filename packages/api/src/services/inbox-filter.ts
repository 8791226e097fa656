// What an inbox view selects: the one filter shape shared by the per-seller inbox, the inbox over
// all of a user's sellers, their counts, bulk actions on "all items matching this filter", and the
// web app's URL parameters (which serialise exactly these fields).
import { z } from "zod";
import { channelSchema, marketplaceSchema } from "./enums";

const id = z.string().min(1).max(64);

export const INBOX_STATUSES = ["unanswered", "answered", "reply_pending", "reply_failed"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** me: items assigned to the caller; none: items assigned to nobody. */
export const INBOX_ASSIGNEES = ["me", "none"] as const;
export type InboxAssignee = (typeof INBOX_ASSIGNEES)[number];

export const INBOX_SORTS = ["newest", "oldest", "rating"] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

export const inboxFilterSchema = z.object({
  /** Only these sellers (each must be one the caller belongs to). Omitted: every seller of the caller. */
  sellerIds: z.array(id).min(1).max(100).optional(),
  marketplaces: z.array(marketplaceSchema).min(1).max(10).optional(),
  channels: z.array(channelSchema).min(1).max(10).optional(),
  /** reply_pending: a reply is queued or being sent; reply_failed: the latest reply failed. */
  status: z.enum(INBOX_STATUSES).optional(),
  /** true: only unread items; false: only read ones. */
  unread: z.boolean().optional(),
  /** Star ratings, several at once (reviews only). */
  ratings: z.array(z.number().int().min(1).max(5)).min(1).max(5).optional(),
  /** Product article (marketplace id or seller's article, exact) or words of the product name. */
  product: z.string().trim().min(1).max(200).optional(),
  /** Items created upstream on or after `from` and before `to`. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** me: assigned to the caller; none: unassigned. */
  assignee: z.enum(INBOX_ASSIGNEES).optional(),
  /** Full-text search with Russian morphology over text, pros, cons, answer, author and product name. */
  q: z.string().trim().min(1).max(200).optional(),
  /** newest/oldest by last activity; rating: lowest rating first, then newest. */
  sort: z.enum(INBOX_SORTS).default("newest"),
});

export type InboxFilterInput = z.input<typeof inboxFilterSchema>;
export type InboxFilter = z.output<typeof inboxFilterSchema>;
