// AES-256-GCM for marketplace credentials at rest. The key comes from INBOX_SECRET_KEY (32 bytes,
// base64); the embedded default generates one into .data/ (see ./server.ts).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

function keyFromEnv(): Buffer {
  const encoded = process.env.INBOX_SECRET_KEY;
  if (!encoded) throw new Error("INBOX_SECRET_KEY is not set: it must hold 32 random bytes in base64 (`openssl rand -base64 32`).");
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32) throw new Error(`INBOX_SECRET_KEY must decode to 32 bytes, got ${key.length}.`);
  return key;
}

export function encryptSecret(plaintext: string, key: Buffer = keyFromEnv()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

export function decryptSecret(envelope: string, key: Buffer = keyFromEnv()): string {
  const [version, iv, tag, ciphertext] = envelope.split(":");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("Unrecognised secret envelope.");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}

export function generateSecretKey(): string {
  return randomBytes(32).toString("base64");
}
