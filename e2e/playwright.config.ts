// Browser tests against a production build served as `npm start` serves it (the launcher, then
// scripts/server.ts: the API in front of Next.js) on a fresh embedded database.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_DATA_DIR = path.join(os.tmpdir(), `marketplace-inbox-e2e-${E2E_PORT}`);

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  // No retries: a test that passes only on a second try is a bug to fix, not to hide.
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    locale: "ru-RU",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `node --import tsx scripts/launch.ts --fresh --quiet --data-dir ${E2E_DATA_DIR}`,
    cwd: "../apps/web",
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    env: { PORT: String(E2E_PORT), HOST: "127.0.0.1", DATABASE_URL: "" },
    timeout: 240_000,
    reuseExistingServer: false,
    // Longer than the launcher's own stop (workers finish their jobs, then PostgreSQL stops).
    gracefulShutdown: { signal: "SIGTERM", timeout: 45_000 },
  },
});
