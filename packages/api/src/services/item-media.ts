// Photos and videos of items whose listing gives only their counts (Ozon reviews: /v2/review/list has
// photos_amount/videos_amount, the URLs are in /v2/review/info). A sync stores the counts and marks
// the item `mediaPending`; the first time someone opens it, the URLs are fetched once through the
// account's connector and stored, and every later open reads them from the database.
import type { ChannelAttachment, ConnectorOptions } from "@inbox/connectors";
import { Prisma, type PrismaClient, type SyncErrorReason } from "@inbox/db";
import { AppError } from "../errors";
import { connectorForAccount } from "../sync/account-connector";
import { classifyFailure } from "../sync/sync-account";
import { storedAttachments } from "./item-messages";

export interface ItemMedia {
  attachments: ChannelAttachment[];
  /** The marketplace reports more photos or videos than are stored, and they could not be fetched now. */
  failed: SyncErrorReason | null;
}

/**
 * Someone is waiting for the page: one quick retry, a short timeout, and no long sleep through a 429
 * (the shared token bucket of the account's Client-Id still paces the request).
 */
const ON_OPEN_OPTIONS: ConnectorOptions = { maxRetries: 1, timeoutMs: 10_000, maxRetryWaitMs: 3_000 };

/** Loads in progress in this process: opening an item twice at once asks upstream once. */
const inFlight = new Map<string, Promise<ItemMedia>>();

/** The item's attachments, fetched from the marketplace first if its listing left them out. */
export function loadItemMedia(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; connectorOptions?: ConnectorOptions },
): Promise<ItemMedia> {
  const key = `${params.sellerId}/${params.itemId}`;
  const running = inFlight.get(key);
  if (running) return running;
  const loading = load(prisma, params).finally(() => inFlight.delete(key));
  inFlight.set(key, loading);
  return loading;
}

async function load(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; connectorOptions?: ConnectorOptions },
): Promise<ItemMedia> {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, externalId: true, channel: true, attachments: true, mediaCount: true, mediaPending: true, account: true },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  if (!item.mediaPending) return { attachments: storedAttachments(item.attachments), failed: null };
  return fetchAndStore(prisma, item, params.connectorOptions ?? {});
}

async function fetchAndStore(
  prisma: PrismaClient,
  item: {
    id: string;
    externalId: string;
    channel: Parameters<typeof connectorForAccount>[1];
    attachments: Prisma.JsonValue;
    mediaCount: Prisma.JsonValue;
    account: Parameters<typeof connectorForAccount>[0];
  },
  options: ConnectorOptions,
): Promise<ItemMedia> {
  let connector: ReturnType<typeof connectorForAccount>;
  try {
    connector = connectorForAccount(item.account, item.channel, { ...ON_OPEN_OPTIONS, ...options });
  } catch (error) {
    // Stored credentials no key opens or no connector accepts: only a new token helps, as for syncs
    // and replies. The item still opens.
    console.warn(
      `media of item ${item.id}: the account's credentials cannot be used: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { attachments: storedAttachments(item.attachments), failed: "TOKEN_REJECTED" };
  }
  let fetched: ChannelAttachment[];
  try {
    // null: the item is gone upstream, so there is nothing more to show.
    fetched = connector.capabilities.getAttachments ? ((await connector.getAttachments({ itemId: item.externalId })) ?? []) : [];
  } catch (error) {
    const { reason, error: message } = classifyFailure(error);
    console.warn(`media of item ${item.id} could not be fetched (${reason}): ${message}`);
    return { attachments: storedAttachments(item.attachments), failed: reason };
  }
  // Only while the counts are those this fetch answers: a sync that meanwhile listed new counts left
  // the item pending for the next open.
  await prisma.item.updateMany({
    where: {
      id: item.id,
      mediaPending: true,
      mediaCount: item.mediaCount === null ? { equals: Prisma.AnyNull } : { equals: item.mediaCount },
    },
    data: { attachments: fetched.length > 0 ? (fetched as unknown as Prisma.InputJsonValue) : Prisma.DbNull, mediaPending: false },
  });
  return { attachments: storedAttachments(fetched), failed: null };
}
