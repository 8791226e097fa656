// The one place that turns a stored account into connectors: decrypts its credentials and asks the
// registry for the connector of each channel the marketplace offers.
import { getConnector, listConnectors, type BaseChannelConnector, type ConnectorOptions } from "@inbox/connectors";
import { decryptSecret, type Channel, type MarketplaceAccount } from "@inbox/db";
import { fromDbChannel, fromDbMarketplace, toDbChannel } from "../services/enums";

export type AccountForConnector = Pick<MarketplaceAccount, "marketplace" | "credentialsEncrypted" | "baseUrls">;

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
  return typeof url === "string" ? url : undefined;
}

export function accountCredentials(account: Pick<MarketplaceAccount, "credentialsEncrypted">): unknown {
  return JSON.parse(decryptSecret(account.credentialsEncrypted)) as unknown;
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
