// Ozon lowers the rating of sellers whose answers repeat, so the composer warns when a text repeats
// or nearly repeats an answer the seller sent in the last 30 days. Every reply queued from Inbox
// leaves its normalised text in SentAnswer (same transaction). Exact repeats are found through a
// sha256 of the normalised text ((sellerId, textHash) btree); near repeats through trigram
// similarity (pg_trgm, GIN index on normalizedText), which survives a changed name or a word more.
import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@inbox/db";

export const REPETITION_WINDOW_DAYS = 30;
/** Trigram similarity from which two answers count as near repeats (1 = same trigrams). */
export const NEAR_REPEAT_SIMILARITY = 0.7;
/** Shorter texts ("Спасибо!") are left alone: every seller says them, and Ozon means templates. */
export const MIN_CHECKED_LENGTH = 20;

/** Lower case, ё as е, letters and digits only, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function answerHash(normalized: string): string {
  return createHash("sha256").update(normalized).digest("hex");
}

/** Called inside the transaction that creates the reply. */
export async function recordSentAnswer(tx: Prisma.TransactionClient, params: { sellerId: string; replyId: string; text: string }) {
  const normalizedText = normalizeAnswer(params.text);
  await tx.sentAnswer.create({
    data: { sellerId: params.sellerId, replyId: params.replyId, normalizedText, textHash: answerHash(normalizedText) },
  });
}

export interface RepeatedAnswer {
  replyId: string;
  itemId: string;
  text: string;
  sentAt: Date;
  /** 1 for an exact repeat (after normalisation), else the trigram similarity. */
  similarity: number;
}

/**
 * Up to three of the seller's answers of the last 30 days that this text repeats, closest first.
 * `exceptItemId`: the item being answered, whose own answers are left out (an edit starts from the
 * answer it replaces, which is no repeat of another answer).
 */
export async function findRepeatedAnswers(
  prisma: PrismaClient,
  sellerId: string,
  text: string,
  exceptItemId?: string,
): Promise<RepeatedAnswer[]> {
  const normalized = normalizeAnswer(text);
  if (normalized.length < MIN_CHECKED_LENGTH) return [];
  const since = new Date(Date.now() - REPETITION_WINDOW_DAYS * 24 * 3_600_000);
  return prisma.$transaction(async (tx) => {
    // The `%` operator uses the GIN index with this threshold; set for this transaction only.
    await tx.$queryRaw`SELECT set_config('pg_trgm.similarity_threshold', ${String(NEAR_REPEAT_SIMILARITY)}, true)`;
    return tx.$queryRaw<RepeatedAnswer[]>`
      SELECT answer."replyId", reply."itemId", reply."text", answer."createdAt" AS "sentAt",
        CASE WHEN answer."textHash" = ${answerHash(normalized)} THEN 1
          ELSE similarity(answer."normalizedText", ${normalized}) END::float8 AS "similarity"
      FROM "SentAnswer" AS answer
      JOIN "Reply" AS reply ON reply."id" = answer."replyId"
      WHERE answer."sellerId" = ${sellerId} AND answer."createdAt" >= ${since}
        AND (answer."textHash" = ${answerHash(normalized)} OR answer."normalizedText" % ${normalized})
        AND reply."status" <> 'FAILED' AND reply."itemId" IS DISTINCT FROM ${exceptItemId ?? null}::text
      ORDER BY "similarity" DESC, answer."createdAt" DESC
      LIMIT 3`;
  });
}
