// Session rules shared by next-auth's options, the proxy and the API server: idle expiry and when
// cookies are `Secure`. Which origins may send cookie-authenticated mutations: @inbox/api http/origin.ts.

/** A session ends after this long without a request; each request within it extends it. */
export const SESSION_IDLE_MAX_AGE_S = 8 * 60 * 60;
/** Re-issue the token at most this often, so most requests set no cookie. */
export const SESSION_REFRESH_AFTER_S = 10 * 60;

/** True when the public URL (NEXTAUTH_URL) is https, including behind a TLS-terminating proxy. */
export function publicUrlIsHttps(publicUrl = process.env.NEXTAUTH_URL): boolean {
  return publicUrl?.startsWith("https://") ?? false;
}
