// Password hashing with scrypt (node:crypto, no native addon). Format: scrypt$N$r$p$salt$hash.
// Cost follows OWASP's Password Storage Cheat Sheet (scrypt: N=2^17, r=8, p=1). Hashes made with a
// lower cost still verify, and are replaced on the next successful sign-in (see authenticate.ts).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export const PASSWORD_HASH_PARAMS = { N: 131_072, r: 8, p: 1 } as const;
/** Length of a new password (characters), wherever one is set: user:create, session.changePassword, the account page. */
export const PASSWORD_LENGTH = { min: 10, max: 200 } as const;
const KEY_LENGTH = 64;
// scrypt needs 128·N·r bytes (128 MiB at N=2^17); headroom above it, and a ceiling against hashes
// whose stored parameters would ask for more.
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = PASSWORD_HASH_PARAMS;
  const key = await derive(password, salt, { N, r, p });
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  try {
    const actual = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters scrypt refuses (corrupt or hostile hash)
  }
}

/** True when the hash was made with a lower cost than today's, so it should be replaced. */
export function passwordNeedsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split("$");
  if (scheme !== "scrypt") return true;
  return Number(n) < PASSWORD_HASH_PARAMS.N || Number(r) < PASSWORD_HASH_PARAMS.r || Number(p) < PASSWORD_HASH_PARAMS.p;
}
