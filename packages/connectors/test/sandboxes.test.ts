// The demo setup: startSandboxes() serves every registered connector with working credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../src/index";
import { getConnector, listConnectors } from "../src/core/index";
import { startSandboxes, type RunningSandboxes } from "../src/sandbox/index";

describe("startSandboxes", () => {
  let s: RunningSandboxes;
  beforeAll(async () => {
    s = await startSandboxes({ seed: 5, size: 6 });
  });
  afterAll(() => s.close());

  it("gives an endpoint with working credentials for every registered connector", async () => {
    const registered = listConnectors()
      .map((c) => `${c.marketplace}:${c.channel}`)
      .sort();
    expect(s.endpoints.map((e) => `${e.marketplace}:${e.channel}`).sort()).toEqual(registered);
    for (const e of s.endpoints) {
      const c = getConnector(e.marketplace as string, e.channel as string, e.credentials, { baseUrl: e.baseUrl, rateLimit: false });
      const page = await c.listItems({ take: 3 });
      expect(page.items.length, `${e.marketplace}/${e.channel}`).toBeGreaterThan(0);
    }
  });
});
