// Marketplace accounts of a seller: credentials are checked with a real call before they are
// stored (encrypted), and never leave the server.
import { ConnectorCredentialsError, ConnectorError, listConnectors, MarketplaceAuthError, type ConnectorOptions } from "@inbox/connectors";
import { accountSecretContext, encryptSecret, type Marketplace, type Prisma, type PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { AppError, type AppErrorReason } from "../errors";
import { channelsOfAccount, connectorForAccount } from "../sync/account-connector";
import { fromDbChannel, fromDbMarketplace } from "./enums";

export async function verifyCredentials(
  account: { id: string; marketplace: Marketplace; baseUrls: Prisma.JsonValue },
  credentials: Record<string, string>,
  connectorOptions: ConnectorOptions,
) {
  const probe = {
    id: account.id,
    marketplace: account.marketplace,
    baseUrls: account.baseUrls,
    credentialsEncrypted: encryptSecret(JSON.stringify(credentials), accountSecretContext(account.id)),
  };
  const channels = channelsOfAccount(probe);
  if (channels.length === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "This marketplace is not supported yet." });
  assertCredentialsMatchSchemas(account.marketplace, credentials);
  try {
    // One cheap call on the first channel: a wrong token fails here, before anything is stored.
    await connectorForAccount(probe, channels[0]!, { maxRetries: 1, timeoutMs: 15_000, ...connectorOptions }).listItems({ take: 1 });
  } catch (error) {
    const refuse = (reason: AppErrorReason, message: string): never => {
      throw new TRPCError({ code: "BAD_REQUEST", message, cause: new AppError(reason, message, { cause: error }) });
    };
    if (error instanceof ConnectorCredentialsError) {
      refuse("credentials_incomplete", `Credentials are incomplete: field "${error.field}" is missing or malformed.`);
    }
    if (error instanceof MarketplaceAuthError) {
      if (error.reason === "subscription_missing") {
        refuse("subscription_missing", "The marketplace accepted the key but the seller's subscription does not include this API.");
      }
      refuse(
        "credentials_rejected",
        "The marketplace rejected these credentials: check that the token is current and has access to reviews, questions and chats.",
      );
    }
    if (error instanceof ConnectorError) {
      // The details (status, the host's own words) are for the server log, never for the user.
      console.error(`Checking credentials for ${account.marketplace} failed:`, error.message);
      refuse("marketplace_unreachable", "Could not reach the marketplace to check the credentials. Try again later.");
    }
    throw error;
  }
  return probe.credentialsEncrypted;
}

export async function listAccounts(prisma: PrismaClient, sellerId: string) {
  const accounts = await prisma.marketplaceAccount.findMany({
    where: { sellerId },
    orderBy: [{ marketplace: "asc" }, { displayName: "asc" }],
    select: {
      id: true,
      marketplace: true,
      displayName: true,
      status: true,
      statusReason: true,
      rateLimitedUntil: true,
      paused: true,
      syncIntervalMinutes: true,
      lastSyncedAt: true,
      syncLeaseUntil: true,
      syncRuns: { orderBy: { startedAt: "desc" }, take: 3 },
    },
  });
  const now = new Date();
  return accounts.map(({ syncRuns, syncLeaseUntil, ...account }) => ({
    ...account,
    marketplace: fromDbMarketplace(account.marketplace),
    channels: channelsOfAccount(account).map(fromDbChannel),
    syncing: Boolean(syncLeaseUntil && syncLeaseUntil > now),
    recentRuns: syncRuns.map((run) => ({ ...run, channel: fromDbChannel(run.channel) })),
  }));
}

export async function findAccount(prisma: PrismaClient, sellerId: string, accountId: string) {
  const account = await prisma.marketplaceAccount.findFirst({ where: { id: accountId, sellerId } });
  if (!account) throw new TRPCError({ code: "NOT_FOUND", message: "No such marketplace account in this seller." });
  return account;
}

/**
 * The credentials against every channel connector's own schema (the registry's `credentialsSchema`):
 * one account serves all channels, so a field any of them needs must be there and well-formed
 * before anything is stored or sent.
 */
function assertCredentialsMatchSchemas(marketplace: Marketplace, credentials: Record<string, string>) {
  const id = fromDbMarketplace(marketplace);
  const problems = new Map<string, string>();
  for (const entry of listConnectors().filter((connector) => connector.marketplace === id)) {
    const parsed = entry.connectorClass.credentialsSchema.safeParse(credentials);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) problems.set(issue.path.map(String).join(".") || "(credentials)", issue.message);
  }
  if (problems.size === 0) return;
  const fields = [...problems.keys()];
  const named = fields.map((field) => `"${field}"`).join(", ");
  const message = `Credentials are incomplete: ${fields.length === 1 ? `field ${named} is` : `fields ${named} are`} missing or malformed.`;
  throw new TRPCError({ code: "BAD_REQUEST", message, cause: new AppError("credentials_incomplete", message) });
}
