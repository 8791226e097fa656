// `npm run secrets:rotate`: re-seals every stored marketplace credential with a new key. Stop the
// app and workers first; start them again afterwards (with the new key, see docs/security.md).
//
// Embedded database (no DATABASE_URL): generates a new key, re-seals every row with it in one
// transaction, then replaces .data/secret.key. A crash in between is harmless: the new key waits in
// secret.key.next and is picked up by the next run.
// External database: set INBOX_SECRET_KEY to the NEW key and INBOX_PREVIOUS_SECRET_KEYS to the old
// one(s); every row sealed with an old key (or in the first format) is re-sealed with the new one.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient } from "../client";
import { reencryptAccountSecrets } from "../reencrypt";
import { generateSecretKey, keyId, keyringFromEnv, keyringOf } from "../secrets";
import { ensureDatabase, restrictToOwner } from "../server";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const dataDir = path.resolve(process.env.INBOX_DATA_DIR ?? path.join(repoRoot, ".data"));

function embeddedKeyring() {
  restrictToOwner(dataDir);
  const keyFile = path.join(dataDir, "secret.key");
  const nextFile = path.join(dataDir, "secret.key.next");
  if (!fs.existsSync(keyFile)) throw new Error(`${keyFile} does not exist: nothing is encrypted yet, so there is nothing to rotate.`);
  if (!fs.existsSync(nextFile)) fs.writeFileSync(nextFile, generateSecretKey(), { mode: 0o600 });
  const old = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
  const next = Buffer.from(fs.readFileSync(nextFile, "utf8").trim(), "base64");
  return { keyring: keyringOf(next, [old]), commit: () => fs.renameSync(nextFile, keyFile) };
}

const external = Boolean(process.env.DATABASE_URL);
if (external && !process.env.INBOX_PREVIOUS_SECRET_KEYS) {
  console.error("With DATABASE_URL, set INBOX_SECRET_KEY to the new key and INBOX_PREVIOUS_SECRET_KEYS to the old one(s).");
  process.exit(1);
}
const { keyring, commit } = external ? { keyring: keyringFromEnv(), commit: () => {} } : embeddedKeyring();
const database = await ensureDatabase({ dataDir });
const prisma = createPrismaClient(database.url);
try {
  const { reencrypted, total } = await reencryptAccountSecrets(prisma, keyring);
  commit();
  console.log(`Re-sealed ${reencrypted} of ${total} account credentials with key ${keyId(keyring.current.key)}.`);
  if (external) console.log("Now give every app and worker process the new INBOX_SECRET_KEY; INBOX_PREVIOUS_SECRET_KEYS may be dropped.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
  await database.stop();
}
