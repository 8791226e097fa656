// The API speaks the connectors' lower-case names; the database stores Prisma enums.
import type { Channel as DbChannel, Marketplace as DbMarketplace } from "@inbox/db";
import { z } from "zod";

export const marketplaceSchema = z.enum(["wildberries", "ozon", "yandex-market"]);
export const channelSchema = z.enum(["review", "question", "chat"]);
export type MarketplaceName = z.infer<typeof marketplaceSchema>;
export type ChannelName = z.infer<typeof channelSchema>;

const MARKETPLACE_TO_DB: Record<MarketplaceName, DbMarketplace> = {
  wildberries: "WILDBERRIES",
  ozon: "OZON",
  "yandex-market": "YANDEX_MARKET",
};
const CHANNEL_TO_DB: Record<ChannelName, DbChannel> = { review: "REVIEW", question: "QUESTION", chat: "CHAT" };

export const toDbMarketplace = (name: MarketplaceName) => MARKETPLACE_TO_DB[name];
export const toDbChannel = (name: ChannelName) => CHANNEL_TO_DB[name];

export function fromDbMarketplace(value: DbMarketplace): MarketplaceName {
  return (Object.keys(MARKETPLACE_TO_DB) as MarketplaceName[]).find((name) => MARKETPLACE_TO_DB[name] === value)!;
}
export function fromDbChannel(value: DbChannel): ChannelName {
  return value.toLowerCase() as ChannelName;
}
