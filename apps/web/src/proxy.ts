// Runs before every page and API route (not static assets): security headers with a fresh CSP
// nonce per request, and the sliding idle expiry of the session (the token is re-issued while the
// user is active, at most every SESSION_REFRESH_AFTER_S). In production the API paths never reach
// it: the API server in front of Next.js answers them and sets the same (src/server/api-server.ts).
import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders } from "./security-headers";
import { renewedSessionCookie } from "./server/session-refresh";
import { publicUrlIsHttps } from "./server/session-policy";
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
  const token = sessionCookieValue(request.cookies.getAll(), sessionCookieName());
  if (!secret || !token) return;
  const renewed = await renewedSessionCookie(decryptSessionToken(token, secret), secret);
  if (renewed) response.cookies.set(renewed.name, renewed.value, renewed.options);
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
