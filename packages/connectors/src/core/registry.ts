// Maps (marketplace, channel) to a connector class. Marketplace modules register on import and
// augment ConnectorTypeMap so getConnector is typed per pair.
import { capabilitiesOf, type BaseChannelConnector, type ConnectorClass } from "./base";
import { UnknownConnectorError } from "./errors";
import type { Channel, ConnectorCapabilities, ConnectorOptions } from "./types";

/**
 * Augment per marketplace module:
 * declare module "../core/registry" {
 *   interface ConnectorTypeMap { "wildberries:review": { connector: WBFeedbacksConnector; credentials: WildberriesCredentials } }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConnectorTypeMap {}

export const MARKETPLACE_ALIASES = { wb: "wildberries", oz: "ozon", ym: "yandex-market" } as const;
type Aliases = typeof MARKETPLACE_ALIASES;

type Canonical<M extends string> = Lowercase<M> extends keyof Aliases ? Aliases[Lowercase<M>] : Lowercase<M>;
type PairKey<M extends string, C extends string> = `${Canonical<M>}:${Lowercase<C>}`;
type IsLiteral<S extends string> = string extends S ? false : true;
type KnownKey = keyof ConnectorTypeMap & string;
type ChannelsOf<M extends string> = KnownKey extends infer K ? (K extends `${Canonical<M>}:${infer C}` ? C : never) : never;

/** Connector type for a pair: the augmented class for known literal pairs, the base otherwise. */
export type ConnectorFor<M extends string, C extends string> =
  PairKey<M, C> extends KnownKey
    ? ConnectorTypeMap[PairKey<M, C>] extends { connector: infer T }
      ? T
      : never
    : BaseChannelConnector<unknown>;
export type CredentialsFor<M extends string, C extends string> =
  PairKey<M, C> extends KnownKey ? (ConnectorTypeMap[PairKey<M, C>] extends { credentials: infer T } ? T : never) : unknown;
/** Literal pairs must be registered in the type map; dynamic strings are checked at runtime. */
type ChannelArg<M extends string, C extends string> =
  IsLiteral<M> extends true ? (IsLiteral<C> extends true ? (PairKey<M, C> extends KnownKey ? unknown : ChannelsOf<M>) : unknown) : unknown;

const registry = new Map<string, ConnectorClass>();

export function canonicalMarketplace(marketplace: string): string {
  const m = marketplace.trim().toLowerCase();
  return (MARKETPLACE_ALIASES as Record<string, string>)[m] ?? m;
}

function key(marketplace: string, channel: string) {
  return `${canonicalMarketplace(marketplace)}:${channel.trim().toLowerCase()}`;
}

export function registerConnector(marketplace: string, channel: Channel, cls: ConnectorClass): void {
  registry.set(key(marketplace, channel), cls);
}

export function getConnector<M extends string, C extends string>(
  marketplace: M,
  channel: C & ChannelArg<M, C>,
  credentials: CredentialsFor<M, C>,
  options?: ConnectorOptions,
): ConnectorFor<M, C> {
  const cls = registry.get(key(marketplace, channel));
  if (!cls) throw new UnknownConnectorError(marketplace, channel);
  const Ctor = cls as unknown as new (credentials: unknown, options?: ConnectorOptions) => BaseChannelConnector<unknown>;
  return new Ctor(credentials, options) as ConnectorFor<M, C>;
}

export function getConnectorClass(marketplace: string, channel: string): ConnectorClass | undefined {
  return registry.get(key(marketplace, channel));
}

export interface RegisteredConnector {
  marketplace: string;
  channel: Channel;
  className: string;
  capabilities: ConnectorCapabilities;
  connectorClass: ConnectorClass;
}

export function listConnectors(): RegisteredConnector[] {
  return [...registry.entries()].map(([k, cls]) => {
    const [marketplace, channel] = k.split(":") as [string, Channel];
    return { marketplace, channel, className: cls.name, capabilities: capabilitiesOf(cls), connectorClass: cls };
  });
}

/** Test helper: drop one registration (e.g. a fake connector registered by a test). */
export function unregisterConnector(marketplace: string, channel: string): boolean {
  return registry.delete(key(marketplace, channel));
}
