// Decrypts next-auth's session token (v4, JWT strategy) without building next-auth's request
// handler. `getServerSession` costs several milliseconds per call: it creates a CSRF token, derives
// the key with HKDF twice, decrypts the token and encrypts a refreshed one that server components
// and route handlers cannot even set. Here the key is derived once per secret, and the token is
// checked as next-auth's own `decode` (jose's `jwtDecrypt`) checks it: compact JWE with alg "dir"
// and enc "A256GCM" (RFC 7516, RFC 7518 §4.5 and §5.3), authenticated with AES-GCM, then `exp`
// and `nbf` with next-auth's 15 s clock tolerance.
import { createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import type { JWT } from "next-auth/jwt";

const CLOCK_TOLERANCE_S = 15;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const derivedKeys = new Map<string, KeyObject>();

/** next-auth v4's encryption key: HKDF-SHA256 of the secret, 32 bytes. */
function encryptionKey(secret: string, salt: string): KeyObject {
  const cacheKey = `${salt}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    const info = `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`;
    key = createSecretKey(Buffer.from(hkdfSync("sha256", secret, salt, info, 32)));
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

function parseJson(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The token's claims, or null when it is malformed, was not encrypted with this secret, was
 * altered, or has expired.
 */
export function decryptSessionToken(token: string, secret: string, salt = "", nowS = Date.now() / 1000): JWT | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  // "dir" carries no encrypted key; every other part must be present and plain base64url.
  if (encryptedKey !== "" || ![protectedHeader, iv, ciphertext, tag].every((part) => BASE64URL.test(part))) return null;
  const header = parseJson(Buffer.from(protectedHeader, "base64url"));
  if (!header || header.alg !== "dir" || header.enc !== "A256GCM" || "zip" in header || "crit" in header) return null;
  const ivBytes = Buffer.from(iv, "base64url");
  const tagBytes = Buffer.from(tag, "base64url");
  if (ivBytes.length !== 12 || tagBytes.length !== 16) return null;

  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", encryptionKey(secret, salt), ivBytes, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(protectedHeader, "ascii"));
    decipher.setAuthTag(tagBytes);
    plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  } catch {
    return null; // wrong key or altered token: the GCM tag does not match
  }
  const claims = parseJson(plaintext);
  return claims && claimsValidAt(claims, nowS) ? (claims as JWT) : null;
}

/** Whether decrypted claims are in force at `nowS` (next-auth's 15 s clock tolerance). */
export function claimsValidAt(claims: Record<string, unknown>, nowS = Date.now() / 1000): boolean {
  // next-auth always sets `exp`; a token without one is not ours.
  if (typeof claims.exp !== "number" || claims.exp <= nowS - CLOCK_TOLERANCE_S) return false;
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > nowS + CLOCK_TOLERANCE_S)) return false;
  return claims.iat === undefined || typeof claims.iat === "number";
}

/** The session cookie's value: next-auth splits tokens over 4 kB into `name.0`, `name.1`, … */
export function sessionCookieValue(cookies: ReadonlyArray<{ name: string; value: string }>, name: string): string | null {
  const whole = cookies.find((cookie) => cookie.name === name);
  if (whole) return whole.value;
  const chunks: string[] = [];
  for (let index = 0; ; index++) {
    const chunk = cookies.find((cookie) => cookie.name === `${name}.${index}`);
    if (!chunk) break;
    chunks.push(chunk.value);
  }
  return chunks.length > 0 ? chunks.join("") : null;
}

/** next-auth's cookie name: `__Secure-` prefixed when the app is served over HTTPS. */
export function sessionCookieName(publicUrl = process.env.NEXTAUTH_URL): string {
  return `${publicUrl?.startsWith("https://") ? "__Secure-" : ""}next-auth.session-token`;
}

/** A Cookie header's cookies, parsed as Next.js parses them for `cookies()` (a later duplicate wins). */
export function parseCookieHeader(header: string | undefined): Array<{ name: string; value: string }> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? "").split(/; */)) {
    if (!pair) continue;
    const splitAt = pair.indexOf("=");
    if (splitAt === -1) {
      cookies.set(pair, "true");
      continue;
    }
    try {
      cookies.set(pair.slice(0, splitAt), decodeURIComponent(pair.slice(splitAt + 1)));
    } catch {
      // a malformed escape: Next.js skips the cookie too
    }
  }
  return [...cookies].map(([name, value]) => ({ name, value }));
}
