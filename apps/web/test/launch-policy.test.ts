// Review finding 2: the demo (whose password is published) never runs on a network address unless
// the operator overrides it explicitly, and then it is announced loudly.
import { describe, expect, it } from "vitest";
import { decideDemo } from "../scripts/launch-policy";

describe("demo on the launcher's host", () => {
  it("is on by default only on loopback with the embedded database", () => {
    expect(decideDemo({}, "127.0.0.1")).toEqual({ demo: true });
    expect(decideDemo({}, "0.0.0.0")).toEqual({ demo: false });
    expect(decideDemo({ DATABASE_URL: "postgresql://db/inbox" }, "127.0.0.1")).toEqual({ demo: false });
  });

  it("refuses INBOX_DEMO=on on a non-loopback address without the override", () => {
    expect(() => decideDemo({ INBOX_DEMO: "on" }, "0.0.0.0")).toThrow(/would publish the demo account.*INBOX_DEMO_ALLOW_PUBLIC_HOST/);
    expect(() => decideDemo({ INBOX_DEMO: "on", INBOX_DEMO_ALLOW_PUBLIC_HOST: "1" }, "192.168.1.10")).toThrow(/would publish/);
  });

  it("allows it with the explicit override, with a loud warning", () => {
    const decision = decideDemo({ INBOX_DEMO: "on", INBOX_DEMO_ALLOW_PUBLIC_HOST: "i-understand-the-password-is-public" }, "0.0.0.0");
    expect(decision.demo).toBe(true);
    expect(decision.warning).toMatch(/DEMO MODE ON A NETWORK ADDRESS \(HOST=0\.0\.0\.0\)/);
  });

  it("still honours INBOX_DEMO=on on loopback and INBOX_DEMO=off anywhere", () => {
    expect(decideDemo({ INBOX_DEMO: "on", DATABASE_URL: "postgresql://db/inbox" }, "::1")).toEqual({ demo: true });
    expect(decideDemo({ INBOX_DEMO: "off" }, "127.0.0.1")).toEqual({ demo: false });
  });
});
