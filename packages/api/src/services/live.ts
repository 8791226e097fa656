// What the live stream reads (docs/architecture.md, "Live updates"). A cursor is a watermark over
// transaction ids: the oldest transaction still running when the stream last read. Every row a
// transaction writes carries its id (Item/Reply "liveVersion", set by a trigger), so the rows written
// since a cursor are those at or above it: committed before the read and already sent (sent again,
// harmless), or committed after it (new). Nothing is logged; the replay after a reconnect or a
// server restart is a range seek on ("sellerId", "liveVersion") per seller (partial indexes on
// "liveVersion" > 0, which every read states so it may use them).
import { Prisma, type PrismaClient, type ReplyStatus } from "@inbox/db";

/** More changed items than this since a cursor: the stream says "reload" instead of listing them. */
export const LIVE_REPLAY_LIMIT = 200;

export interface LiveItemChange {
  sellerId: string;
  itemId: string;
  read: boolean;
  answered: boolean;
  /** The latest reply's status, as the inbox rows show it. */
  replyStatus: ReplyStatus | null;
  messageCount: number;
  lastActivityAt: Date;
  createdAt: Date;
  /** Item and reply versions together: the same value means the stream already sent this state. */
  version: string;
}

export interface LiveChanges {
  /** The cursor after this read. */
  cursor: bigint;
  changes: LiveItemChange[];
  /** More than LIVE_REPLAY_LIMIT items changed: `changes` is empty, the reader reloads what it shows. */
  overflow: boolean;
}

/** A stream's cursor on the wire (the SSE event id): the watermark in decimal. */
export function parseLiveCursor(value: string): bigint | null {
  return /^\d{1,19}$/.test(value) ? BigInt(value) : null;
}

/** The cursor of a stream that starts now. */
export async function currentLiveCursor(prisma: Pick<PrismaClient, "$queryRaw">): Promise<bigint> {
  const [row] = await prisma.$queryRaw<Array<{ cursor: bigint }>>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "cursor"`;
  return row!.cursor;
}

/**
 * The items of `sellerIds` that `userId` (when given) still belongs to, written at or after
 * `cursor`, and the next cursor, from one statement (so one snapshot: the watermark and the rows
 * agree). Membership is read again on every call, so a member removed from a seller stops seeing
 * its changes on an open stream too.
 */
export async function readLiveChanges(
  prisma: Pick<PrismaClient, "$queryRaw">,
  { sellerIds, userId, cursor }: { sellerIds: string[]; userId: string | null; cursor: bigint },
): Promise<LiveChanges> {
  const rows = await prisma.$queryRaw<
    Array<{ cursor: bigint; itemId: string | null } & Omit<LiveItemChange, "itemId" | "version"> & { version: string | null }>
  >(liveChangesQuery({ sellerIds, userId, cursor }));
  const next = rows[0]!.cursor;
  const changes = rows.flatMap((row) => (row.itemId === null ? [] : [{ ...row, itemId: row.itemId, version: row.version! }]));
  if (changes.length > LIVE_REPLAY_LIMIT) return { cursor: next, changes: [], overflow: true };
  return {
    cursor: next,
    overflow: false,
    changes: changes.map(({ cursor: _cursor, ...change }) => change),
  };
}

/** The statement of `readLiveChanges` (exported for its plan test). */
export function liveChangesQuery({ sellerIds, userId, cursor }: { sellerIds: string[]; userId: string | null; cursor: bigint }) {
  const limit = LIVE_REPLAY_LIMIT + 1;
  return Prisma.sql`
    WITH snapshot AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "cursor"),
    sellers AS MATERIALIZED (
      SELECT s."id" FROM unnest(${sellerIds}::text[]) AS s("id")
      WHERE ${userId}::text IS NULL OR EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = ${userId}::text AND m."sellerId" = s."id")
    ),
    touched AS (
      (SELECT i."id" FROM "Item" i WHERE i."sellerId" IN (SELECT "id" FROM sellers) AND i."liveVersion" >= ${cursor} AND i."liveVersion" > 0 LIMIT ${limit})
      UNION
      (SELECT r."itemId" FROM "Reply" r WHERE r."sellerId" IN (SELECT "id" FROM sellers) AND r."liveVersion" >= ${cursor} AND r."liveVersion" > 0 LIMIT ${limit})
    )
    SELECT snapshot."cursor", i."id" AS "itemId", i."sellerId", i."read", i."answered", i."messageCount", i."lastActivityAt",
      i."createdAt",
      latest."status" AS "replyStatus",
      i."liveVersion"::text || ':' || COALESCE(latest."version"::text, '') AS "version"
    FROM snapshot
    LEFT JOIN (touched JOIN "Item" i ON i."id" = touched."id") ON true
    LEFT JOIN LATERAL (
      SELECT r."status", (SELECT MAX(v."liveVersion") FROM "Reply" v WHERE v."itemId" = i."id") AS "version"
      FROM "Reply" r WHERE r."itemId" = i."id" ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1
    ) AS latest ON true`;
}
