// Response security headers (review finding 6), applied by src/proxy.ts to every response but
// static assets. Scripts run only with the per-request nonce (Next.js puts it on its own scripts
// when it finds it in the request's Content-Security-Policy header); 'strict-dynamic' lets those
// scripts load the app's chunks.

export function contentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build needs eval for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // React `style` attributes (charts, progress bars) cannot carry a nonce; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // Marketplace photos and avatars come from the marketplaces' CDNs over https.
    "img-src 'self' data: blob: https:",
    "media-src 'self' https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(options: { nonce: string; dev: boolean; https: boolean }): Record<string, string> {
  return { "Content-Security-Policy": contentSecurityPolicy(options.nonce, options), ...headersOfEveryResponse(options.https) };
}

/** The API's headers, one frozen set per scheme. */
const apiHeaders: { http?: Readonly<Record<string, string>>; https?: Readonly<Record<string, string>> } = {};

/**
 * For the API's answers (JSON and event streams, api-server.ts): nothing in them may load or run
 * anything, or be framed, so the policy needs no nonce and the headers are the same for every answer.
 */
export function apiSecurityHeaders(https: boolean): Readonly<Record<string, string>> {
  return (apiHeaders[https ? "https" : "http"] ??= Object.freeze({
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    ...headersOfEveryResponse(https),
  }));
}

function headersOfEveryResponse(https: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    // Only over TLS: over plain http the header is ignored, and on localhost it would pin the port.
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
