// Reply text limits come from the connectors (each knows its marketplace's rule), checked before a
// reply is queued so the user hears about a too-long answer now, not after a failed delivery.
import { listConnectors } from "@inbox/connectors";
import { TRPCError } from "@trpc/server";
import type { ChannelName, MarketplaceName } from "./enums";

export function replyTextLimits(marketplace: MarketplaceName, channel: ChannelName) {
  const connector = listConnectors().find((entry) => entry.marketplace === marketplace && entry.channel === channel);
  if (!connector?.capabilities.sendReply) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "This marketplace does not accept replies to this kind of item through its API.",
    });
  }
  return connector.capabilities.replyText;
}
