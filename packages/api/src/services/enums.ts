// The API speaks the registry's lower-case names; the database stores Prisma enums. Which
// marketplaces and channels exist comes from the connector registry, and this file is the one
// mapping to the database: id "yandex-market" ↔ enum value YANDEX_MARKET, channel "chat" ↔ CHAT.
import { CHANNELS, listMarketplaces, type Channel, type OrderStatus, type RegisteredMarketplace } from "@inbox/connectors";
import {
  Channel as DB_CHANNELS,
  Marketplace as DB_MARKETPLACES,
  type Channel as DbChannel,
  type Marketplace as DbMarketplace,
  type OrderStatus as DbOrderStatus,
} from "@inbox/db";
import { z } from "zod";

export type MarketplaceName = RegisteredMarketplace;
export type ChannelName = Channel;

const isMarketplace = (value: string): value is MarketplaceName => listMarketplaces().some((entry) => entry.id === value);
/** Channels at least one registered marketplace serves, in CHANNELS order. */
export const registeredChannels = (): ChannelName[] =>
  CHANNELS.filter((channel) => listMarketplaces().some((entry) => entry.channels.some((c) => c.channel === channel)));
const isChannel = (value: string): value is ChannelName => registeredChannels().includes(value as ChannelName);

/** A registered marketplace id; anything else fails with the list of known ones. */
export const marketplaceSchema = z
  .string()
  .max(64)
  .refine(isMarketplace, {
    error: (issue) =>
      `Unknown marketplace "${String(issue.input)}"; known: ${listMarketplaces()
        .map((entry) => entry.id)
        .join(", ")}.`,
  })
  .transform((value) => value as MarketplaceName);

/** A channel some registered marketplace serves. */
export const channelSchema = z
  .string()
  .max(32)
  .refine(isChannel, {
    error: (issue) => `Unknown channel "${String(issue.input)}"; known: ${registeredChannels().join(", ")}.`,
  })
  .transform((value) => value as ChannelName);

/** The channels a marketplace has connectors for, in CHANNELS order; undefined for an unknown one. */
export function channelsOf(marketplace: string): ChannelName[] | undefined {
  return listMarketplaces()
    .find((entry) => entry.id === marketplace)
    ?.channels.map((entry) => entry.channel);
}

const dbValueOf = (name: string) => name.toUpperCase().replaceAll("-", "_");
const nameOf = (value: string) => value.toLowerCase().replaceAll("_", "-");

export function toDbMarketplace(name: MarketplaceName): DbMarketplace {
  const value = dbValueOf(name);
  if (!Object.hasOwn(DB_MARKETPLACES, value)) {
    // A registered marketplace the schema cannot store yet: see docs/adding-a-marketplace.md.
    throw new Error(`Marketplace "${name}" has no value ${value} in the database enum Marketplace (schema.prisma + migration).`);
  }
  return value as DbMarketplace;
}

export function toDbChannel(name: ChannelName): DbChannel {
  const value = dbValueOf(name);
  if (!Object.hasOwn(DB_CHANNELS, value)) throw new Error(`Channel "${name}" has no value ${value} in the database enum Channel.`);
  return value as DbChannel;
}

export const fromDbMarketplace = (value: DbMarketplace) => nameOf(value) as MarketplaceName;
export const fromDbChannel = (value: DbChannel) => nameOf(value) as ChannelName;

/** A review's order status as the API names it (BOUGHT → "bought"); null where the marketplace said nothing. */
export const fromDbOrderStatus = (value: DbOrderStatus | null): OrderStatus | null => (value ? (value.toLowerCase() as OrderStatus) : null);
