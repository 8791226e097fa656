// The signed-in user of a request's session cookie, for pages and route handlers (auth.ts, through
// next/headers) and for the API server (api-server.ts, from the Cookie header) alike.
import { isSessionCurrent } from "@inbox/api";
import type { JWT } from "next-auth/jwt";
import { claimsValidAt, decryptSessionToken, sessionCookieName, sessionCookieValue } from "./session-token";

export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start` or set it.");
  return secret;
}

/**
 * Tokens decrypted lately, by their text: a browser sends the same cookie with every call, and the
 * decryption (AES-GCM, two JSON parses) was ~2 % of an inbox page's CPU over HTTP. A hit is the same
 * text with the same secret, so the same claims; their times are checked again on every use.
 */
const decrypted = new Map<string, { secret: string; claims: JWT }>();
const DECRYPTED_KEPT = 1_000;

/** The session token's claims, or null when there is no cookie or it does not decrypt (see session-token.ts). */
export function sessionClaimsOf(cookies: ReadonlyArray<{ name: string; value: string }>): JWT | null {
  const token = sessionCookieValue(cookies, sessionCookieName());
  if (!token) return null;
  const secret = authSecret();
  const known = decrypted.get(token);
  if (known && known.secret === secret) return claimsValidAt(known.claims) ? known.claims : null;
  const claims = decryptSessionToken(token, secret);
  if (claims) {
    // Oldest first out: a Map iterates in insertion order.
    if (decrypted.size >= DECRYPTED_KEPT) decrypted.delete(decrypted.keys().next().value!);
    decrypted.set(token, { secret, claims: Object.freeze(claims) });
  }
  return claims;
}

/** The claims' user, unless the session was revoked (sign out everywhere, password changed). */
export async function currentSessionUserId(claims: JWT | null): Promise<string | null> {
  if (typeof claims?.sub !== "string" || claims.sub === "") return null;
  return (await isSessionCurrent(claims.sub, claims.sv)) ? claims.sub : null;
}
