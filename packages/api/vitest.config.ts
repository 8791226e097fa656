import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["../db/src/testing/global-setup.ts"],
    env: { INBOX_SECRET_KEY: Buffer.alloc(32, 3).toString("base64") },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
