// The one place that turns a stored account into connectors: decrypts its credentials and asks the
// registry for the connector of each channel the marketplace offers.
import { getConnector, listConnectors, type BaseChannelConnector, type ConnectorOptions } from "@inbox/connectors";
import { accountSecretContext, decryptSecret, type Channel, type MarketplaceAccount } from "@inbox/db";
import { fromDbChannel, fromDbMarketplace, toDbChannel } from "../services/enums";

export type AccountForConnector = Pick<MarketplaceAccount, "id" | "marketplace" | "credentialsEncrypted" | "baseUrls">;

/** Custom hosts are for sandboxes and tests only: on a real deployment they would allow SSRF. */
export function customBaseUrlAllowed() {
  return process.env.INBOX_ALLOW_CUSTOM_BASE_URL === "1";
}

/**
 * The host override of one channel: its own entry, else the "*" entry, else the real API. Checked
 * on every use, not only when the account was saved: switching the flag off takes effect at once.
 */
export function baseUrlFor(account: Pick<MarketplaceAccount, "baseUrls">, channel: Channel): string | undefined {
  if (!customBaseUrlAllowed()) return undefined;
  const urls = account.baseUrls as Record<string, unknown> | null;
  const url = urls?.[fromDbChannel(channel)] ?? urls?.["*"];
  // A stored host outside the policy (saved before it existed) is never called.
  return typeof url === "string" && baseUrlRefusal(url) === null ? url : undefined;
}

/**
 * Hosts a custom base URL may name: the marketplaces' own API hosts over https, or a local sandbox
 * on a loopback address. Anything else would let an owner make the server call any address (SSRF:
 * cloud metadata, the database, internal services) with the server's network position.
 */
const MARKETPLACE_API_HOSTS = [
  /^[a-z0-9-]+\.wildberries\.ru$/,
  /^[a-z0-9-]+\.wb\.ru$/,
  /^api-seller\.ozon\.ru$/,
  /^api\.partner\.market\.yandex\.ru$/,
];
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why a custom base URL is refused, or null when it is allowed. */
export function baseUrlRefusal(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  if (LOOPBACK_HOSTS.has(url.hostname)) return url.protocol === "http:" || url.protocol === "https:" ? null : "must use http or https";
  if (url.protocol !== "https:") return "must use https for a marketplace host";
  if (url.port !== "") return "must not name a port for a marketplace host";
  return MARKETPLACE_API_HOSTS.some((host) => host.test(url.hostname))
    ? null
    : "must be a marketplace's API host (Wildberries, Ozon, Yandex Market) or a local sandbox on 127.0.0.1";
}

export function accountCredentials(account: Pick<MarketplaceAccount, "id" | "credentialsEncrypted">): unknown {
  return JSON.parse(decryptSecret(account.credentialsEncrypted, accountSecretContext(account.id))) as unknown;
}

export function connectorForAccount(
  account: AccountForConnector,
  channel: Channel,
  options: ConnectorOptions = {},
): BaseChannelConnector<unknown> {
  const baseUrl = baseUrlFor(account, channel);
  return getConnector(fromDbMarketplace(account.marketplace) as string, fromDbChannel(channel) as string, accountCredentials(account), {
    ...(baseUrl ? { baseUrl } : {}),
    ...options,
  });
}

/** Channels with a registered connector for this account's marketplace, in a stable order. */
export function channelsOfAccount(account: Pick<MarketplaceAccount, "marketplace">): Channel[] {
  const marketplace = fromDbMarketplace(account.marketplace);
  const order: Channel[] = ["REVIEW", "QUESTION", "CHAT"];
  const available = new Set(
    listConnectors()
      .filter((entry) => entry.marketplace === marketplace)
      .map((entry) => toDbChannel(entry.channel)),
  );
  return order.filter((channel) => available.has(channel));
}
