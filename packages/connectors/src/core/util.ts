// Small helpers shared by connectors.
import { z } from "zod";
import type { ChannelMessage } from "./types";

/** An upstream id that may arrive as a string or a (possibly > 2^53, already stringified) number. */
export const zId = z.union([z.string(), z.number().int()]).transform((v) => String(v));

/** Unix seconds/milliseconds or a date string → ISO 8601. */
/** Two texts that differ only in spacing are one text (marketplaces may trim or fold whitespace). */
export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  const fold = (text: string | null | undefined) => (text ?? "").replace(/\s+/g, " ").trim();
  return fold(a) === fold(b);
}

export function toIso(value: string | number | Date): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/**
 * A chat's summary from its messages, oldest first: the buyer's latest text (else the newest
 * message's), answered when the seller wrote after the buyer, and the seller's latest answer. Notices
 * (the marketplace itself) neither ask nor answer. Ingest keeps stored threads to the same rule.
 */
export function threadSummary(messages: ChannelMessage[]): { text: string; answered: boolean; answerText?: string } {
  const parties = messages.filter((message) => message.direction !== "notice");
  const lastIn = parties.findLast((message) => message.direction === "in");
  const lastOut = parties.findLast((message) => message.direction === "out");
  const last = parties.at(-1) ?? messages.at(-1);
  return {
    text: lastIn?.text ?? last?.text ?? "",
    answered: last?.direction === "out",
    ...(lastOut ? { answerText: lastOut.text } : {}),
  };
}

/** Opaque cursors: base64url JSON, so the sync engine stores them as plain strings. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string | null | undefined, schema: z.ZodType<T>): T | null {
  if (!cursor) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new TypeError(`Invalid cursor: ${cursor.slice(0, 40)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new TypeError(`Invalid cursor: ${cursor.slice(0, 40)}`);
  return parsed.data;
}
