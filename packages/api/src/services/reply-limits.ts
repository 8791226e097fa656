// Reply text limits come from the registry (each connector knows its marketplace's rule), checked
// before a reply is queued so the user hears about a too-long answer now, not after a failed delivery.
import { listMarketplaces } from "@inbox/connectors";
import { TRPCError } from "@trpc/server";
import type { ChannelName, MarketplaceName } from "./enums";

export function replyTextLimits(marketplace: MarketplaceName, channel: ChannelName) {
  const capabilities = listMarketplaces()
    .find((entry) => entry.id === marketplace)
    ?.channels.find((entry) => entry.channel === channel)?.capabilities;
  if (!capabilities?.sendReply) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "This marketplace does not accept replies to this kind of item through its API.",
    });
  }
  return capabilities.replyText;
}
