// Cookie rules of the session (review findings 6 and 7): Secure cookies behind https, and the
// security headers. Origin checks: packages/api/test/http-origin.test.ts.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "../src/security-headers";
import { publicUrlIsHttps } from "../src/server/session-policy";
import { sessionCookieName } from "../src/server/session-token";

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
