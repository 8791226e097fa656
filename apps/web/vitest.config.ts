import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The API server's tests (test/api-server.test.ts) run against a real PostgreSQL.
    globalSetup: ["../../packages/db/src/testing/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
