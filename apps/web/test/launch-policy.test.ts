// Review finding 2: the demo (whose password is published) never runs on a network address unless
// the operator overrides it explicitly, and then it is announced loudly.
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_SERVER_PROCESSES, decideDemo, listenFailure, serverProcessCount } from "../scripts/launch-policy";

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

describe("a port the app cannot listen on", () => {
  const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it("says a taken port may be another Marketplace Inbox, and which port to try instead", () => {
    expect(listenFailure(failure("EADDRINUSE"), 3000, "127.0.0.1")).toBe(
      "Port 3000 is in use on 127.0.0.1: is Marketplace Inbox already running (http://127.0.0.1:3000), or another program? " +
        "Stop it, or start on another port: PORT=3001 npm start",
    );
    expect(listenFailure(failure("EADDRINUSE"), 8080, "::1")).toContain("(http://[::1]:8080)");
  });

  it("tells what to change for a privileged port, a foreign address or anything else", () => {
    expect(listenFailure(failure("EACCES"), 80, "0.0.0.0")).toMatch(/port above 1023/);
    expect(listenFailure(failure("EADDRNOTAVAIL"), 3000, "10.9.9.9")).toMatch(/^HOST=10\.9\.9\.9 is not an address of this machine/);
    expect(listenFailure(failure("EINVAL"), 3000, "127.0.0.1")).toBe("Cannot listen on 127.0.0.1:3000: listen EINVAL");
  });
});

describe("how many processes serve HTTP", () => {
  it("runs one per core by default, up to a few", () => {
    expect(serverProcessCount({}, 1)).toBe(1);
    expect(serverProcessCount({}, 2)).toBe(2);
    expect(serverProcessCount({ WEB_CONCURRENCY: "" }, 2)).toBe(2);
    expect(serverProcessCount({}, 64)).toBe(DEFAULT_MAX_SERVER_PROCESSES);
  });

  it("takes WEB_CONCURRENCY as given, and refuses what is not a count of processes", () => {
    expect(serverProcessCount({ WEB_CONCURRENCY: "1" }, 8)).toBe(1);
    expect(serverProcessCount({ WEB_CONCURRENCY: "6" }, 2)).toBe(6);
    for (const raw of ["0", "-1", "1.5", "two", "9"]) {
      expect(() => serverProcessCount({ WEB_CONCURRENCY: raw }, 2)).toThrow(
        `WEB_CONCURRENCY must be a whole number of server processes from 1 to 8 (got "${raw}")`,
      );
    }
  });
});
