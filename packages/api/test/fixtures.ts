// Builds a small world straight through the database: two sellers with items, and users with
// different roles, so each test states only what it needs.
import type { Channel, PrismaClient, Role } from "@inbox/db";
import { createCaller, createTRPCContext } from "../src/index";
import { RecordingJobQueue } from "./support/recording-job-queue";

export async function createUser(prisma: PrismaClient, name: string) {
  return prisma.user.create({
    data: { email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@test.local`, name, passwordHash: "unused" },
  });
}

export async function createSellerWithItems(
  prisma: PrismaClient,
  name: string,
  items: Array<{ channel?: Channel; answered?: boolean; read?: boolean; hoursAgo?: number; marketplace?: "WILDBERRIES" | "OZON" }>,
) {
  const seller = await prisma.seller.create({ data: { name } });
  const accounts = {
    WILDBERRIES: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: `${name} WB`, credentialsEncrypted: "v1:a:b:c" },
    }),
    OZON: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: `${name} Ozon`, credentialsEncrypted: "v1:a:b:c" },
    }),
  };
  const now = Date.now();
  const created = [];
  for (const [index, spec] of items.entries()) {
    const marketplace = spec.marketplace ?? "WILDBERRIES";
    const at = new Date(now - (spec.hoursAgo ?? index) * 3_600_000);
    created.push(
      await prisma.item.create({
        data: {
          sellerId: seller.id,
          accountId: accounts[marketplace].id,
          marketplace,
          channel: spec.channel ?? "REVIEW",
          externalId: `${name}-${index}`,
          text: `Отзыв ${index} продавцу ${name}`,
          rating: 5,
          upstreamCreatedAt: at,
          lastActivityAt: at,
          answered: spec.answered ?? false,
          read: spec.read ?? false,
        },
      }),
    );
  }
  return { seller, accounts, items: created };
}

export async function addMember(prisma: PrismaClient, userId: string, sellerId: string, role: Role) {
  return prisma.membership.create({ data: { userId, sellerId, role } });
}

/** A caller as a signed-in user; the jobs it queues go to `jobs` (give one to assert them). */
export function callerFor(prisma: PrismaClient, userId: string | null, jobs: RecordingJobQueue = new RecordingJobQueue()) {
  return createCaller(createTRPCContext({ userId, prisma, jobs }));
}
