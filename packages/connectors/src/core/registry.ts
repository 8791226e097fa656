// Maps (marketplace, channel) to a connector class. Marketplace modules register on import and
// augment ConnectorTypeMap so getConnector is typed per pair.
import { z } from "zod";
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

/**
 * Short names at the type level, augmented per module next to its registerMarketplace({ aliases }):
 * declare module "../core/registry" { interface MarketplaceAliasMap { ac: "acme" } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MarketplaceAliasMap {}
type Aliases = MarketplaceAliasMap;

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
const descriptors = new Map<string, MarketplaceDescriptor>();
const registeredAliases = new Map<string, string>();
/** listMarketplaces() result, dropped on every (un)registration. */
let catalogCache: readonly MarketplaceInfo[] | undefined;

export function canonicalMarketplace(marketplace: string): string {
  const m = marketplace.trim().toLowerCase();
  return registeredAliases.get(m) ?? m;
}

function key(marketplace: string, channel: string) {
  return `${canonicalMarketplace(marketplace)}:${channel.trim().toLowerCase()}`;
}

export function registerConnector(marketplace: string, channel: Channel, cls: ConnectorClass): void {
  registry.set(key(marketplace, channel), cls);
  catalogCache = undefined;
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
  catalogCache = undefined;
  return registry.delete(key(marketplace, channel));
}

// ---------------------------------------------------------------------------------------------
// The marketplace catalog: what the API and the UI know about each marketplace, derived from the
// registrations above, so a new marketplace needs no second list anywhere else.

/** Every channel kind a connector can serve, in the order the UI shows them. */
export const CHANNELS = ["review", "question", "chat"] as const satisfies readonly Channel[];

/** Marketplace ids that have at least one connector in ConnectorTypeMap (compile-time). */
export type RegisteredMarketplace = KnownKey extends `${infer M}:${string}` ? M : never;

/** What a marketplace module says about itself besides its connectors (call from its index.ts). */
export interface MarketplaceDescriptor {
  /** Lower-case id used in the registry, the API and URLs, e.g. "wildberries". */
  id: string;
  /** The marketplace's own name; the UI shows it when it has no translation. */
  displayName: string;
  /** Short names getConnector also accepts, e.g. ["wb"]. */
  aliases?: readonly string[];
}

/** One field of a marketplace's credentials, read from its connectors' `credentialsSchema`. */
export interface CredentialField {
  name: string;
  /** "number" only when the schema accepts nothing but numbers; forms send strings otherwise. */
  type: "string" | "number";
  required: boolean;
  /**
   * Whether the value must be masked. Read from `.meta({ secret })` on the field; a field without it
   * counts as secret, because masking a harmless id costs less than showing a key.
   */
  secret: boolean;
  /** `.meta({ title })` or `.describe()` text of the field, if any. */
  label?: string;
  description?: string;
}

export interface MarketplaceChannel {
  channel: Channel;
  capabilities: ConnectorCapabilities;
}

export interface MarketplaceInfo {
  id: string;
  displayName: string;
  /** Channels with a registered connector, in CHANNELS order. */
  channels: MarketplaceChannel[];
  /** Union of the fields every channel's connector needs: one account holds one credentials object. */
  credentialFields: CredentialField[];
}

export function registerMarketplace(descriptor: MarketplaceDescriptor): void {
  const id = descriptor.id.trim().toLowerCase();
  descriptors.set(id, { ...descriptor, id });
  for (const alias of descriptor.aliases ?? []) registeredAliases.set(alias.trim().toLowerCase(), id);
  catalogCache = undefined;
}

/** Test helper: drop a descriptor and its aliases. */
export function unregisterMarketplace(marketplace: string): boolean {
  const id = canonicalMarketplace(marketplace);
  for (const [alias, target] of registeredAliases) if (target === id) registeredAliases.delete(alias);
  catalogCache = undefined;
  return descriptors.delete(id);
}

/**
 * Every marketplace with at least one registered connector, in registration order. A marketplace
 * whose module has not called registerMarketplace is still listed, under its id as display name.
 */
export function listMarketplaces(): readonly MarketplaceInfo[] {
  catalogCache ??= buildCatalog();
  return catalogCache;
}

export function findMarketplace(marketplace: string): MarketplaceInfo | undefined {
  const id = canonicalMarketplace(marketplace);
  return listMarketplaces().find((entry) => entry.id === id);
}

function buildCatalog(): MarketplaceInfo[] {
  const byMarketplace = new Map<string, RegisteredConnector[]>();
  for (const entry of listConnectors()) {
    byMarketplace.set(entry.marketplace, [...(byMarketplace.get(entry.marketplace) ?? []), entry]);
  }
  return [...byMarketplace.entries()].map(([id, connectors]) => ({
    id,
    displayName: descriptors.get(id)?.displayName ?? id,
    channels: CHANNELS.flatMap((channel) => {
      const connector = connectors.find((entry) => entry.channel === channel);
      return connector ? [{ channel, capabilities: connector.capabilities }] : [];
    }),
    credentialFields: mergeFields(connectors.map((entry) => credentialFieldsOf(entry.connectorClass.credentialsSchema))),
  }));
}

interface JsonSchemaNode {
  type?: string | string[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  title?: string;
  description?: string;
  secret?: unknown;
}

/** Fields of an object credentials schema; an empty list for schemas that are not objects. */
export function credentialFieldsOf(schema: z.ZodType): CredentialField[] {
  // "input": the shape callers send (before trims and transforms); "any" for parts JSON cannot say.
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, node]) => ({
    name,
    type: onlyNumbers(node) ? "number" : "string",
    required: required.has(name),
    secret: node.secret !== false,
    ...(node.title ? { label: node.title } : {}),
    ...(node.description ? { description: node.description } : {}),
  }));
}

function onlyNumbers(node: JsonSchemaNode): boolean {
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return branches.length > 0 && branches.every(onlyNumbers);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  return types.length > 0 && types.every((type) => type === "number" || type === "integer");
}

function mergeFields(lists: CredentialField[][]): CredentialField[] {
  const merged = new Map<string, CredentialField>();
  for (const field of lists.flat()) {
    const seen = merged.get(field.name);
    merged.set(
      field.name,
      seen
        ? {
            ...seen,
            type: seen.type === "number" && field.type === "number" ? "number" : "string",
            required: seen.required || field.required,
            secret: seen.secret || field.secret,
          }
        : field,
    );
  }
  return [...merged.values()];
}
