// Accounts wired to real sandbox servers over HTTP, and connector options that keep retries fast.
import { randomUUID } from "node:crypto";
import type { ConnectorOptions } from "@inbox/connectors";
import { accountSecretContext, encryptSecret, type Marketplace, type PrismaClient } from "@inbox/db";

/** Real retry logic, shrunk delays: a test never sleeps for seconds. */
export const FAST_CONNECTOR_OPTIONS: ConnectorOptions = {
  retryBaseDelayMs: 2,
  retryMaxDelayMs: 20,
  maxRetryWaitMs: 300,
  timeoutMs: 1_500,
  maxRetries: 6,
};

export async function createSandboxAccount(
  prisma: PrismaClient,
  params: { marketplace: Marketplace; baseUrls: Record<string, string>; credentials: object; sellerName?: string },
) {
  const seller = await prisma.seller.create({ data: { name: params.sellerName ?? "Sandbox seller" } });
  const id = randomUUID();
  const account = await prisma.marketplaceAccount.create({
    data: {
      id,
      sellerId: seller.id,
      marketplace: params.marketplace,
      displayName: `${params.marketplace} sandbox`,
      credentialsEncrypted: encryptSecret(JSON.stringify(params.credentials), accountSecretContext(id)),
      baseUrls: params.baseUrls,
    },
  });
  return { seller, account };
}

/** Item and message ids per channel, for exact comparisons with upstream. */
export async function snapshot(prisma: PrismaClient, accountId: string) {
  const items = await prisma.item.findMany({
    where: { accountId },
    select: { channel: true, externalId: true, answered: true, answerText: true, text: true, messages: { select: { externalId: true } } },
    orderBy: [{ channel: "asc" }, { externalId: "asc" }],
  });
  return items.map((item) => ({ ...item, messages: item.messages.map((message) => message.externalId).sort() }));
}
