// Session rules shared by next-auth's options, the proxy and the tRPC route: idle expiry, when
// cookies are `Secure`, and which origins may send cookie-authenticated mutations.

/** A session ends after this long without a request; each request within it extends it. */
export const SESSION_IDLE_MAX_AGE_S = 8 * 60 * 60;
/** Re-issue the token at most this often, so most requests set no cookie. */
export const SESSION_REFRESH_AFTER_S = 10 * 60;

/** True when the public URL (NEXTAUTH_URL) is https, including behind a TLS-terminating proxy. */
export function publicUrlIsHttps(publicUrl = process.env.NEXTAUTH_URL): boolean {
  return publicUrl?.startsWith("https://") ?? false;
}

/**
 * Whether a cookie-authenticated mutation comes from our own pages. Browsers send Origin on every
 * POST; a cross-site page cannot forge it. Allowed: the public URL's origin, or the request's own
 * origin (its Host). Without Origin (curl, scripts: no ambient cookies from other sites), the
 * browser-only Sec-Fetch-Site header, when present, must say same-origin.
 */
export function mutationOriginAllowed(request: { url: string; headers: Headers }, publicUrl = process.env.NEXTAUTH_URL): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) {
    const site = request.headers.get("sec-fetch-site");
    return site === null || site === "same-origin" || site === "none";
  }
  const allowed = new Set([new URL(request.url).origin]);
  if (publicUrl) {
    try {
      allowed.add(new URL(publicUrl).origin);
    } catch {
      // a malformed NEXTAUTH_URL allows nothing extra
    }
  }
  return allowed.has(origin);
}
