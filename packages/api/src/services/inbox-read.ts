// Bulk mark read/unread: one statement in Inbox, and upstream mark-read as a background job for the
// items whose marketplace channel has such a method (Wildberries questions; Ozon reviews, questions
// and chats; Yandex Market reviews), so a thousand items never wait on a thousand HTTP calls.
import type { ConnectorOptions } from "@inbox/connectors";
import { listMarketplaces } from "@inbox/connectors";
import { Prisma, type Channel, type Marketplace, type PrismaClient } from "@inbox/db";
import type { JobQueue } from "../jobs/queues";
import { connectorForAccount } from "../sync/account-connector";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { recordReadEvents } from "./item-history";
import type { ResolvedSelection, SelectedItem } from "./inbox-selection";

export interface ReadResult extends SelectedItem {
  /** false: the item does not exist in that seller (nothing was changed). */
  ok: boolean;
  error: "not_found" | null;
  read: boolean;
  /** false when it was in that state already. */
  changed: boolean;
  /** queued: the marketplace is being told in the background; unsupported: it has no such method;
   * none: nothing to tell (marking unread, or no change). */
  upstream: "queued" | "unsupported" | "none";
}

export function canMarkReadUpstream(marketplace: Marketplace, channel: Channel): boolean {
  const entry = listMarketplaces().find((candidate) => candidate.id === fromDbMarketplace(marketplace));
  return entry?.channels.find((candidate) => candidate.channel === fromDbChannel(channel))?.capabilities.markRead ?? false;
}

export async function setInboxReadBulk(
  prisma: PrismaClient,
  jobs: Pick<JobQueue, "enqueueMarkReadUpstream">,
  selection: ResolvedSelection,
  read: boolean,
  /** Who, for the items' history. */
  actorId: string | null = null,
): Promise<ReadResult[]> {
  const ids = selection.items.map((item) => item.itemId);
  const changed =
    ids.length === 0
      ? []
      : await prisma.$transaction(async (tx) => {
          const rows = await tx.$queryRaw<Array<{ id: string; marketplace: Marketplace; channel: Channel }>>(Prisma.sql`
            UPDATE "Item" SET "read" = ${read}, "updatedAt" = now()
            WHERE "id" = ANY(${ids}::text[]) AND "read" <> ${read}
            RETURNING "id", "marketplace", "channel"`);
          await recordReadEvents(
            tx,
            rows.map((row) => row.id),
            read,
            actorId,
          );
          return rows;
        });
  const byId = new Map(changed.map((row) => [row.id, row]));
  const upstream = read ? changed.filter((row) => canMarkReadUpstream(row.marketplace, row.channel)).map((row) => row.id) : [];
  const queued = new Set(upstream);
  if (upstream.length > 0) await jobs.enqueueMarkReadUpstream(upstream);
  return [
    ...selection.items.map((item): ReadResult => {
      const row = byId.get(item.itemId);
      return {
        ...item,
        ok: true,
        error: null,
        read,
        changed: Boolean(row),
        upstream: queued.has(item.itemId) ? "queued" : row && read ? "unsupported" : "none",
      };
    }),
    ...selection.missing.map((item): ReadResult => ({ ...item, ok: false, error: "not_found", read, changed: false, upstream: "none" })),
  ];
}

/**
 * The background half: tells each marketplace that the items were read, best effort (the state in
 * Inbox is what the team sees; a failure is logged and the next sync reconciles). Items marked unread
 * again meanwhile are skipped.
 */
export async function markItemsReadUpstream(
  prisma: PrismaClient,
  itemIds: string[],
  options: { connectorOptions?: ConnectorOptions; log?: (line: string) => void } = {},
): Promise<{ marked: number; failed: number }> {
  const items = await prisma.item.findMany({
    where: { id: { in: itemIds }, read: true },
    select: { id: true, externalId: true, channel: true, account: true },
  });
  let marked = 0;
  let failed = 0;
  for (const item of items) {
    try {
      const connector = connectorForAccount(item.account, item.channel, { timeoutMs: 10_000, maxRetries: 2, ...options.connectorOptions });
      if (!connector.capabilities.markRead) continue;
      if (await connector.markRead({ itemId: item.externalId })) marked += 1;
      else failed += 1;
    } catch (error) {
      failed += 1;
      options.log?.(`mark read upstream ${item.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { marked, failed };
}
