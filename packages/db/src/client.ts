// The Prisma client over node-postgres. One pool per process (per URL), reused across requests
// and hot reloads.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

const cache = globalThis as unknown as { __inboxPrisma?: PrismaClient };

/** The process-wide client for DATABASE_URL. */
export function getPrisma(): PrismaClient {
  if (!cache.__inboxPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start` or set it to a PostgreSQL URL.");
    cache.__inboxPrisma = createPrismaClient(url);
  }
  return cache.__inboxPrisma;
}
