// Reply text limits come from the registry (each connector knows its marketplace's rule), checked
// before a reply is queued so the user hears about a too-long answer now, not after a failed delivery.
import { listMarketplaces, type ConnectorCapabilities } from "@inbox/connectors";
import { AppError } from "../errors";
import type { ChannelName, MarketplaceName } from "./enums";

/** What the registered connector of a marketplace's channel can do; undefined when none is. */
export function channelCapabilities(marketplace: MarketplaceName, channel: ChannelName): ConnectorCapabilities | undefined {
  return listMarketplaces()
    .find((entry) => entry.id === marketplace)
    ?.channels.find((entry) => entry.channel === channel)?.capabilities;
}

export function replyTextLimits(marketplace: MarketplaceName, channel: ChannelName) {
  const capabilities = channelCapabilities(marketplace, channel);
  if (!capabilities?.sendReply) {
    throw new AppError("replies_not_supported", "This marketplace does not accept replies to this kind of item through its API.");
  }
  return capabilities.replyText;
}

/** The reply's length checked against the marketplace's limits (trimmed, as it will be sent). */
export function assertReplyLength(limits: { min: number; max: number }, text: string) {
  const length = text.trim().length;
  if (length >= limits.min && length <= limits.max) return;
  throw new AppError(
    length < limits.min ? "reply_too_short" : "reply_too_long",
    `The reply must be ${limits.min}–${limits.max} characters long for this marketplace (it has ${length}).`,
    { details: { min: limits.min, max: limits.max, length } },
  );
}
