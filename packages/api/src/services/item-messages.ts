// A chat's messages, a page at a time: the item view opens with the latest page and loads older ones
// on demand, so a thread of thousands of messages costs one page. Keyset on (sentAt, id) over the
// Message(itemId, sentAt) index.
import type { ChannelAttachment } from "@inbox/connectors";
import type { MessageDirection, Prisma } from "@inbox/db";
import { AppError } from "../errors";

export const MESSAGE_PAGE_DEFAULT = 50;
export const MESSAGE_PAGE_MAX = 200;

interface MessageCursor {
  sentAt: Date;
  id: string;
}

function encodeMessageCursor(cursor: MessageCursor): string {
  return Buffer.from(`${cursor.sentAt.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

function decodeMessageCursor(encoded: string): MessageCursor {
  const [at, id] = Buffer.from(encoded, "base64url").toString("utf8").split("|");
  const sentAt = new Date(at ?? "");
  if (!id || Number.isNaN(sentAt.getTime())) throw new AppError("cursor_invalid", "The page cursor is not valid: reload the item.");
  return { sentAt, id };
}

/**
 * Up to `limit` messages older than `before` (or the latest, without it), oldest first, and the
 * cursor for the page before them (null when these are the first messages of the thread).
 */
const DIRECTIONS = { IN: "in", OUT: "out", NOTICE: "notice" } as const satisfies Record<MessageDirection, string>;

export async function readMessagePage(prisma: Prisma.TransactionClient, itemId: string, params: { before?: string | null; limit: number }) {
  const before = params.before ? decodeMessageCursor(params.before) : null;
  const rows = await prisma.message.findMany({
    where: {
      itemId,
      ...(before ? { OR: [{ sentAt: { lt: before.sentAt } }, { sentAt: before.sentAt, id: { lt: before.id } }] } : {}),
    },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    take: params.limit + 1,
  });
  const page = rows.slice(0, params.limit);
  const oldest = page.at(-1);
  return {
    messages: page.reverse().map((message) => ({
      id: message.id,
      /** Set when this message is a reply sent from Inbox (it is not listed again in `replies`). */
      replyId: message.replyId,
      direction: DIRECTIONS[message.direction],
      text: message.text,
      authorName: message.authorName,
      attachments: storedAttachments(message.attachments),
      sentAt: message.sentAt,
    })),
    olderCursor: rows.length > params.limit && oldest ? encodeMessageCursor(oldest) : null,
  };
}

const KINDS = new Set(["image", "video", "file"]);
const optionalString = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/** Attachments as ingest stored them (a ChannelAttachment array); anything malformed is skipped. */
export function storedAttachments(json: unknown): ChannelAttachment[] {
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
