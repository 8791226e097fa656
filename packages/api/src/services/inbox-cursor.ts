// Keyset cursors for the inbox orders, stable while items arrive. newest/oldest: the last row's
// (lastActivityAt, id); rating (lowest first, then newest): its rating as well (0 for none).
import { TRPCError } from "@trpc/server";
import type { InboxSort } from "./inbox-filter";

export interface InboxCursor {
  sort: InboxSort;
  /** Rating sort only: the row's rating, 0 for an item without one (sorted last). */
  rating: number;
  lastActivityAt: Date;
  id: string;
}

export function encodeInboxCursor(cursor: { lastActivityAt: Date; id: string; sort?: InboxSort; rating?: number | null }): string {
  const sort = cursor.sort ?? "newest";
  const payload = `${sort}|${cursor.rating ?? 0}|${cursor.lastActivityAt.toISOString()}|${cursor.id}`;
  return Buffer.from(payload, "utf8").toString("base64url");
}

const invalid = () => new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid: reload the list." });

/** Decodes a cursor handed out for `sort`; a cursor of another order (or a forged one) is refused. */
export function decodeInboxCursor(encoded: string, sort: InboxSort = "newest"): InboxCursor {
  const parts = Buffer.from(encoded, "base64url").toString("utf8").split("|");
  // Cursors handed out before the sorts existed: "<iso>|<id>", newest first.
  const [cursorSort, rating, at, id] = parts.length === 2 ? ["newest", "0", ...parts] : parts;
  const lastActivityAt = new Date(at ?? "");
  const ratingValue = Number(rating);
  if (parts.length !== 2 && parts.length !== 4) throw invalid();
  if (!id || Number.isNaN(lastActivityAt.getTime()) || !Number.isInteger(ratingValue) || ratingValue < 0 || ratingValue > 5) {
    throw invalid();
  }
  if (cursorSort !== sort) throw invalid();
  return { sort, rating: ratingValue, lastActivityAt, id };
}
