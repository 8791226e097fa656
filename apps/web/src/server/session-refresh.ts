// The session's sliding idle expiry: a token older than SESSION_REFRESH_AFTER_S is re-issued with
// the same claims, so an active user stays signed in. Set by src/proxy.ts on pages and by the API
// server (api-server.ts) on API responses.
import { encode, type JWT } from "next-auth/jwt";
import { SESSION_IDLE_MAX_AGE_S, SESSION_REFRESH_AFTER_S, publicUrlIsHttps } from "./session-policy";
import { sessionCookieName } from "./session-token";

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; maxAge: number };
}

/** The renewed session cookie, or null when the token is missing, invalid or recent enough. */
export async function renewedSessionCookie(
  claims: JWT | null,
  secret: string,
  nowS = Math.floor(Date.now() / 1000),
): Promise<SessionCookie | null> {
  if (!claims || typeof claims.iat !== "number" || nowS - claims.iat < SESSION_REFRESH_AFTER_S) return null;
  // Same claims (user, session version), new issue and expiry times; revocation still applies.
  const { iat: _iat, exp: _exp, jti: _jti, ...kept } = claims;
  const value = await encode({ token: kept, secret, maxAge: SESSION_IDLE_MAX_AGE_S });
  return {
    name: sessionCookieName(),
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure: publicUrlIsHttps(), maxAge: SESSION_IDLE_MAX_AGE_S },
  };
}

/** The Set-Cookie line Next.js writes for the same cookie (`response.cookies.set`). */
export function serializeSessionCookie({ name, value, options }: SessionCookie, nowMs = Date.now()): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Expires=${new Date(nowMs + options.maxAge * 1000).toUTCString()}`,
    `Max-Age=${options.maxAge}`,
    ...(options.secure ? ["Secure"] : []),
    "HttpOnly",
    `SameSite=${options.sameSite}`,
  ].join("; ");
}
