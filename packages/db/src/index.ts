// @inbox/db: the Prisma client, generated types and at-rest encryption of secrets. Server-only.
export * from "./generated/prisma/client.js";
export { createPrismaClient, getPrisma } from "./client.js";
export { decryptSecret, encryptSecret } from "./secrets.js";
