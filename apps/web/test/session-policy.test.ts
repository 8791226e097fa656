// Cookie and request rules of the session (review findings 6 and 7): Secure cookies behind https,
// Origin checks on cookie-authenticated mutations, and the security headers.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "../src/security-headers";
import { mutationOriginAllowed, publicUrlIsHttps } from "../src/server/session-policy";
import { sessionCookieName } from "../src/server/session-token";

const post = (headers: Record<string, string>) => ({ url: "http://127.0.0.1:3000/api/trpc/inbox.reply", headers: new Headers(headers) });

describe("mutation origin check", () => {
  it("accepts the app's own origin and the public URL's origin", () => {
    expect(mutationOriginAllowed(post({ origin: "http://127.0.0.1:3000" }), "http://127.0.0.1:3000")).toBe(true);
    // Behind a TLS proxy the browser's origin is the public URL, not the internal host.
    expect(mutationOriginAllowed(post({ origin: "https://inbox.example.ru" }), "https://inbox.example.ru")).toBe(true);
  });

  it("refuses another site's origin, a look-alike, and a cross-site request without Origin", () => {
    expect(mutationOriginAllowed(post({ origin: "https://evil.example" }), "https://inbox.example.ru")).toBe(false);
    expect(mutationOriginAllowed(post({ origin: "https://inbox.example.ru.evil.example" }), "https://inbox.example.ru")).toBe(false);
    expect(mutationOriginAllowed(post({ origin: "null" }), "https://inbox.example.ru")).toBe(false);
    expect(mutationOriginAllowed(post({ "sec-fetch-site": "cross-site" }), "https://inbox.example.ru")).toBe(false);
  });

  it("lets non-browser clients without Origin through (they carry no other site's cookies)", () => {
    expect(mutationOriginAllowed(post({}), "https://inbox.example.ru")).toBe(true);
  });
});

describe("secure cookies", () => {
  it("are Secure and __Secure- prefixed whenever the public URL is https", () => {
    expect(publicUrlIsHttps("https://inbox.example.ru")).toBe(true);
    expect(sessionCookieName("https://inbox.example.ru")).toBe("__Secure-next-auth.session-token");
    expect(publicUrlIsHttps("http://127.0.0.1:3000")).toBe(false);
    expect(sessionCookieName("http://127.0.0.1:3000")).toBe("next-auth.session-token");
  });
});

describe("security headers", () => {
  it("allow scripts only with the request's nonce, forbid framing, and send HSTS only over TLS", () => {
    const csp = contentSecurityPolicy("abc123", { dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const plain = securityHeaders({ nonce: "n", dev: false, https: false });
    expect(plain).toMatchObject({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin" });
    expect(plain["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ nonce: "n", dev: false, https: true })["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
  });
});
