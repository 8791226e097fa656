// The sellers a user belongs to, with the user's role in each: asked for on every authenticated
// request (seller.list, and the access check of every seller-scoped procedure), through the
// membership cache (auth/membership-cache.ts) in the app's processes.
import { Prisma, rawReader, type PrismaClient, type Role } from "@inbox/db";

export interface SellerMembership {
  id: string;
  name: string;
  role: Role;
}

/**
 * One indexed join, as raw SQL on the pool (rawReader): Prisma 6's client engine compiles every
 * model query to a plan in WebAssembly, about 3 ms of CPU each on our 2-core reference machine
 * against 1 ms for Prisma's raw query and less again on the pool, and this one runs on every
 * request that misses the cache. Ordered by seller name (id breaks ties).
 */
export async function listMemberships(prisma: PrismaClient, userId: string): Promise<SellerMembership[]> {
  return rawReader(prisma).$queryRaw<SellerMembership[]>(Prisma.sql`
    SELECT s."id", s."name", m."role"::text AS "role"
    FROM "Membership" m JOIN "Seller" s ON s."id" = m."sellerId"
    WHERE m."userId" = ${userId}
    ORDER BY s."name", s."id"`);
}
