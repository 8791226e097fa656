// @inbox/db: the Prisma client, generated types and at-rest encryption of secrets. Server-only.
export * from "./generated/prisma/client";
export {
  createPrismaClient,
  getPrisma,
  queryRawWithSettings,
  rawReader,
  readTogether,
  rawTransaction,
  type RawReader,
  type RawTransaction,
  type StatementSettings,
} from "./client";
export {
  accountSecretContext,
  decryptSecret,
  encryptSecret,
  keyId,
  keyringFromEnv,
  keyringOf,
  needsReencryption,
  type Keyring,
} from "./secrets";
export { reencryptAccountSecrets } from "./reencrypt";
