// The signed-in user of a request's session cookie, for pages and route handlers (auth.ts, through
// next/headers) and for the API server (api-server.ts, from the Cookie header) alike.
import { isSessionCurrent } from "@inbox/api";
import type { JWT } from "next-auth/jwt";
import { decryptSessionToken, sessionCookieName, sessionCookieValue } from "./session-token";

export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start` or set it.");
  return secret;
}

/** The session token's claims, or null when there is no cookie or it does not decrypt (see session-token.ts). */
export function sessionClaimsOf(cookies: ReadonlyArray<{ name: string; value: string }>): JWT | null {
  const token = sessionCookieValue(cookies, sessionCookieName());
  return token ? decryptSessionToken(token, authSecret()) : null;
}

/** The claims' user, unless the session was revoked (sign out everywhere, password changed). */
export async function currentSessionUserId(claims: JWT | null): Promise<string | null> {
  if (typeof claims?.sub !== "string" || claims.sub === "") return null;
  return (await isSessionCurrent(claims.sub, claims.sv)) ? claims.sub : null;
}
