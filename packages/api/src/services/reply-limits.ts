// Reply text limits of each marketplace and channel, checked before a reply is queued so the
// user hears about a too-long answer now, not after a failed delivery.
import type { ChannelName, MarketplaceName } from "./enums";

const LIMITS: Record<MarketplaceName, Record<ChannelName, { min: number; max: number }>> = {
  wildberries: { review: { min: 2, max: 5000 }, question: { min: 2, max: 5000 }, chat: { min: 1, max: 1000 } },
  ozon: { review: { min: 2, max: 3000 }, question: { min: 2, max: 3000 }, chat: { min: 1, max: 1000 } },
  "yandex-market": { review: { min: 1, max: 4096 }, question: { min: 1, max: 5000 }, chat: { min: 1, max: 4096 } },
};

export function replyTextLimits(marketplace: MarketplaceName, channel: ChannelName) {
  return LIMITS[marketplace][channel];
}
