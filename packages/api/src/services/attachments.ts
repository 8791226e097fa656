// Chat files that the marketplace serves only through its API (Wildberries' `/seller/download/{id}`):
// fetched on the server with the account's token, so the token never reaches the browser.
import { MarketplaceRequestError, WBChatConnector, type ConnectorOptions, type WBDownload } from "@inbox/connectors";
import type { PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { connectorForAccount } from "../sync/account-connector";

/**
 * Downloads attachment `downloadId` of item `itemId`. The caller must have checked that the user may
 * see this seller's item (the web route asks the tRPC caller first); here the item must belong to
 * `sellerId` and the id must be one of its stored attachments, so no other file can be fetched.
 */
export async function downloadItemAttachment(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; downloadId: string; connectorOptions?: ConnectorOptions },
): Promise<WBDownload | { status: "unavailable"; reason: "moderation_failed" | "unknown_file"; message: string }> {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { channel: true, attachments: true, account: true, messages: { select: { attachments: true } } },
  });
  if (!item) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });
  const stored = [item.attachments, ...item.messages.map((message) => message.attachments)].flatMap((json) =>
    Array.isArray(json) ? json : [],
  );
  const known = stored.some((entry) => (entry as { downloadId?: unknown } | null)?.downloadId === params.downloadId);
  if (!known) throw new TRPCError({ code: "NOT_FOUND", message: "This item has no such attachment." });
  const connector = connectorForAccount(item.account, item.channel, params.connectorOptions);
  if (!(connector instanceof WBChatConnector)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Attachments of this marketplace are opened by their URL." });
  }
  try {
    return await connector.downloadAttachment(params.downloadId);
  } catch (error) {
    // WB: 451 = the file failed moderation, 400 = it does not know the id (any more).
    if (error instanceof MarketplaceRequestError && (error.status === 451 || error.status === 400)) {
      return { status: "unavailable", reason: error.status === 451 ? "moderation_failed" : "unknown_file", message: error.message };
    }
    throw error;
  }
}
