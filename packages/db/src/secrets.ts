// AES-256-GCM for marketplace credentials at rest. Every envelope names the key that sealed it and
// is bound to what it belongs to (associated data, e.g. "account:<id>"), so a ciphertext copied onto
// another account does not decrypt. Format: "v2:<keyId>:<iv>:<tag>:<ciphertext>" (base64 parts).
//
// Keys: INBOX_SECRET_KEY (32 bytes, base64) seals; INBOX_PREVIOUS_SECRET_KEYS (comma-separated)
// still open envelopes sealed before a rotation (`npm run secrets:rotate`, docs/security.md). The
// embedded default generates INBOX_SECRET_KEY into .data/ (see ./server.ts). Envelopes of the
// first format ("v1:<iv>:<tag>:<ciphertext>", no key id or associated data) still open, and are
// re-sealed by reencryptAccountSecrets.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v2";
const LEGACY_VERSION = "v1";

export interface Keyring {
  /** Seals new envelopes. */
  current: { id: string; key: Buffer };
  /** Every key that may open an envelope, by id (the current one included). */
  byId: Map<string, Buffer>;
}

/** A key's public name: the first 8 bytes of its SHA-256, hex. Reveals nothing usable about the key. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

function decodeKey(encoded: string, name: string): Buffer {
  const key = Buffer.from(encoded.trim(), "base64");
  if (key.length !== 32) throw new Error(`${name} must decode to 32 bytes, got ${key.length}.`);
  return key;
}

export function keyringOf(current: Buffer, previous: Buffer[] = []): Keyring {
  const byId = new Map<string, Buffer>();
  for (const key of [current, ...previous]) byId.set(keyId(key), key);
  return { current: { id: keyId(current), key: current }, byId };
}

export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
  const encoded = env.INBOX_SECRET_KEY;
  if (!encoded) throw new Error("INBOX_SECRET_KEY is not set: it must hold 32 random bytes in base64 (`openssl rand -base64 32`).");
  const previous = (env.INBOX_PREVIOUS_SECRET_KEYS ?? "")
    .split(",")
    .filter((part) => part.trim() !== "")
    .map((part) => decodeKey(part, "INBOX_PREVIOUS_SECRET_KEYS"));
  return keyringOf(decodeKey(encoded, "INBOX_SECRET_KEY"), previous);
}

/** Seals `plaintext` for `context` (what it belongs to, e.g. accountSecretContext(id)). */
export function encryptSecret(plaintext: string, context: string, keyring: Keyring = keyringFromEnv()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(associatedData(keyring.current.id, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyring.current.id, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(
    ":",
  );
}

export function decryptSecret(envelope: string, context: string, keyring: Keyring = keyringFromEnv()): string {
  const parts = envelope.split(":");
  if (parts[0] === LEGACY_VERSION) return decryptLegacy(parts, keyring);
  const [version, id, iv, tag, ciphertext] = parts;
  if (version !== VERSION || !id || !iv || !tag || ciphertext === undefined) throw new Error("Unrecognised secret envelope.");
  const key = keyring.byId.get(id);
  if (!key)
    throw new Error(`The secret was sealed with key ${id}, which is not configured (INBOX_SECRET_KEY, INBOX_PREVIOUS_SECRET_KEYS).`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAAD(associatedData(id, context));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}

/** Whether an envelope should be re-sealed: the first format, or sealed with a key that is not current. */
export function needsReencryption(envelope: string, keyring: Keyring): boolean {
  const [version, id] = envelope.split(":");
  return version !== VERSION || id !== keyring.current.id;
}

/** What a marketplace account's credentials are bound to. */
export function accountSecretContext(accountId: string): string {
  return `account:${accountId}`;
}

export function generateSecretKey(): string {
  return randomBytes(32).toString("base64");
}

function associatedData(id: string, context: string): Buffer {
  return Buffer.from(`inbox-secret:${VERSION}:${id}:${context}`, "utf8");
}

function decryptLegacy(parts: string[], keyring: Keyring): string {
  const [, iv, tag, ciphertext] = parts;
  if (!iv || !tag || ciphertext === undefined) throw new Error("Unrecognised secret envelope.");
  for (const key of keyring.byId.values()) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
    } catch {
      // not this key
    }
  }
  throw new Error("No configured key opens this secret (first format).");
}
