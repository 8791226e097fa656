// Keyset cursor for the inbox order (lastActivityAt desc, id desc): stable while items arrive.
import { TRPCError } from "@trpc/server";

export interface InboxCursor {
  lastActivityAt: Date;
  id: string;
}

export function encodeInboxCursor(cursor: InboxCursor): string {
  return Buffer.from(`${cursor.lastActivityAt.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

export function decodeInboxCursor(encoded: string): InboxCursor {
  const [at, id] = Buffer.from(encoded, "base64url").toString("utf8").split("|");
  const lastActivityAt = new Date(at ?? "");
  if (!id || Number.isNaN(lastActivityAt.getTime())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The page cursor is not valid: reload the list." });
  }
  return { lastActivityAt, id };
}
