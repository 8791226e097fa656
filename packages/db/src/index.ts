// @inbox/db: the Prisma client, generated types and at-rest encryption of secrets. Server-only.
export * from "./generated/prisma/client";
export { createPrismaClient, getPrisma } from "./client";
export { decryptSecret, encryptSecret } from "./secrets";
