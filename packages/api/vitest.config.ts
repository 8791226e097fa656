import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["../db/src/testing/global-setup.ts"],
    // Sandboxes stand in for the marketplaces, so accounts' host overrides are honoured.
    env: { INBOX_SECRET_KEY: Buffer.alloc(32, 3).toString("base64"), INBOX_ALLOW_CUSTOM_BASE_URL: "1" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
