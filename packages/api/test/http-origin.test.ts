// Origin checks on cookie-authenticated mutations (review finding 7), as every way of serving the API applies them.
import { describe, expect, it } from "vitest";
import { mutationOriginAllowed } from "../src/http/origin";

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
