// Re-seals every stored secret that is not sealed with the current key in the current format: after
// a key rotation, and once for envelopes of the first format. One transaction: either every row is
// re-sealed or none is.
import type { PrismaClient } from "./generated/prisma/client";
import { accountSecretContext, decryptSecret, encryptSecret, needsReencryption, type Keyring } from "./secrets";

export async function reencryptAccountSecrets(
  prisma: PrismaClient,
  keyring: Keyring,
  options: { skipUnreadable?: boolean } = {},
): Promise<{ reencrypted: number; unreadable: number; total: number }> {
  return prisma.$transaction(
    async (tx) => {
      const accounts = await tx.marketplaceAccount.findMany({ select: { id: true, credentialsEncrypted: true } });
      let reencrypted = 0;
      let unreadable = 0;
      for (const account of accounts) {
        if (!needsReencryption(account.credentialsEncrypted, keyring)) continue;
        const context = accountSecretContext(account.id);
        let plaintext: string;
        try {
          plaintext = decryptSecret(account.credentialsEncrypted, context, keyring);
        } catch (error) {
          // At start-up an unreadable row (a lost key) must not stop the app: that account's sync
          // reports it. A rotation stops instead, before anything is changed.
          if (!options.skipUnreadable) throw error;
          unreadable++;
          continue;
        }
        await tx.marketplaceAccount.update({
          where: { id: account.id },
          data: { credentialsEncrypted: encryptSecret(plaintext, context, keyring) },
        });
        reencrypted++;
      }
      return { reencrypted, unreadable, total: accounts.length };
    },
    { timeout: 120_000 },
  );
}
