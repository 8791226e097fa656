// Which origins may send cookie-authenticated mutations (CSRF), for every way the API is served.

/**
 * Whether a cookie-authenticated mutation comes from our own pages. Browsers send Origin on every
 * POST; a cross-site page cannot forge it. Allowed: the public URL's origin, or the request's own
 * origin (the address the server listens on, as the request's URL says). Without Origin (curl,
 * scripts: no ambient cookies from other sites), the browser-only Sec-Fetch-Site header, when
 * present, must say same-origin.
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
