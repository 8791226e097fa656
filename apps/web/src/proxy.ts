// Runs before every page and API route (not static assets): security headers with a fresh CSP
// nonce per request, and the sliding idle expiry of the session (the token is re-issued while the
// user is active, at most every SESSION_REFRESH_AFTER_S).
import { encode } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders } from "./security-headers";
import { SESSION_IDLE_MAX_AGE_S, SESSION_REFRESH_AFTER_S, publicUrlIsHttps } from "./server/session-policy";
import { decryptSessionToken, sessionCookieName, sessionCookieValue } from "./server/session-token";

export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = publicUrlIsHttps() || request.nextUrl.protocol === "https:";
  const headers = securityHeaders({ nonce, dev: process.env.NODE_ENV === "development", https });

  // Next.js reads the nonce from the request's CSP header while rendering.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);

  await refreshSession(request, response);
  return response;
}

async function refreshSession(request: NextRequest, response: NextResponse) {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  const name = sessionCookieName();
  const token = sessionCookieValue(request.cookies.getAll(), name);
  if (!secret || !token) return;
  const claims = decryptSessionToken(token, secret);
  const nowS = Math.floor(Date.now() / 1000);
  if (!claims || typeof claims.iat !== "number" || nowS - claims.iat < SESSION_REFRESH_AFTER_S) return;
  // Same claims (user, session version), new issue and expiry times; revocation still applies.
  const { iat: _iat, exp: _exp, jti: _jti, ...kept } = claims;
  const renewed = await encode({ token: kept, secret, maxAge: SESSION_IDLE_MAX_AGE_S });
  response.cookies.set(name, renewed, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: publicUrlIsHttps(),
    maxAge: SESSION_IDLE_MAX_AGE_S,
  });
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
