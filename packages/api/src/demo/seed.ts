// Demo data for a first `npm start`: one user in two sellers, each with Wildberries and Ozon accounts
// (and Yandex Market for the first) on the demo sandboxes.
import { accountSecretContext, encryptSecret, type PrismaClient } from "@inbox/db";
import { hashPassword } from "../auth/password";
import type { DemoAccountSpec } from "./sandboxes";

export { startDemoSandboxes, type DemoAccountSpec, type DemoSandboxes } from "./sandboxes";

export const DEMO_USER = { email: "demo@inbox.local", password: "demo-inbox-2026", name: "Мария Демидова" } as const;

export const DEMO_SELLER_NAMES = ["Вектор Спорт (ООО)", "Домашний уют (ИП Смирнова)"] as const;

/**
 * On an empty database: the demo user, two sellers and their marketplace accounts, which point at
 * the demo sandboxes. The items themselves arrive through the sync, as they would from a real
 * marketplace. On later starts only the accounts are re-pointed (sandbox ports change).
 */
export async function seedDemoData(prisma: PrismaClient, accounts: DemoAccountSpec[]): Promise<{ created: boolean }> {
  if ((await prisma.user.count()) > 0) {
    await connectDemoAccounts(prisma, accounts);
    return { created: false };
  }
  const user = await prisma.user.create({
    data: { email: DEMO_USER.email, name: DEMO_USER.name, passwordHash: await hashPassword(DEMO_USER.password) },
  });
  const sellers = [];
  for (const name of DEMO_SELLER_NAMES) {
    sellers.push(await prisma.seller.create({ data: { name, memberships: { create: { userId: user.id, role: "OWNER" } } } }));
  }
  for (const spec of accounts) {
    await prisma.marketplaceAccount.create({
      data: {
        id: spec.id,
        sellerId: sellers[spec.sellerIndex]!.id,
        marketplace: spec.marketplace,
        displayName: spec.displayName,
        credentialsEncrypted: encryptSecret(JSON.stringify(spec.credentials), accountSecretContext(spec.id)),
        baseUrls: spec.baseUrls,
      },
    });
  }
  return { created: true };
}

/** Points the demo accounts that still exist at this run's sandboxes. */
export async function connectDemoAccounts(prisma: PrismaClient, accounts: DemoAccountSpec[]) {
  for (const spec of accounts) {
    await prisma.marketplaceAccount.updateMany({
      where: { id: spec.id },
      data: {
        baseUrls: spec.baseUrls,
        credentialsEncrypted: encryptSecret(JSON.stringify(spec.credentials), accountSecretContext(spec.id)),
      },
    });
  }
}
