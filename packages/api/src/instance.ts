// What the web app's launcher (apps/web/scripts/launch.ts) does with the database, in one place:
// demo data and its first sync, the checks before serving, and the in-process workers. The
// launcher starts PostgreSQL through @inbox/db's own scripts and never queries it itself.
import { createPrismaClient, keyringFromEnv, reencryptAccountSecrets } from "@inbox/db";
import { DEMO_USER, seedDemoData, type DemoAccountSpec } from "./demo/seed";
import { startWorkers, type WorkerOptions } from "./jobs/worker";
import { syncAccount } from "./sync/sync-account";

export function openAppInstance(databaseUrl: string) {
  const prisma = createPrismaClient(databaseUrl);
  return {
    /** Demo user, sellers and accounts on an empty database; `created` is false when data existed. */
    seedDemo: (accounts: DemoAccountSpec[]) => seedDemoData(prisma, accounts),
    syncAccount: (accountId: string) => syncAccount({ prisma, accountId }),
    hasDemoUser: async () => (await prisma.user.count({ where: { email: DEMO_USER.email } })) > 0,
    /** Re-seals credentials stored in an older envelope format; returns how many were re-sealed. */
    resealAccountSecrets: async () => (await reencryptAccountSecrets(prisma, keyringFromEnv(), { skipUnreadable: true })).reencrypted,
    hasUsers: async () => (await prisma.user.count()) > 0,
    startWorkers: (options: Omit<WorkerOptions, "prisma" | "databaseUrl">) => startWorkers({ ...options, prisma, databaseUrl }),
  };
}
