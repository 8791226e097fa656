// A second app instance on the first one's database, as a scaled-out deployment runs them: the
// production server (apps/web/scripts/server.ts, what `npm start` serves) on its own port, with the
// environment the launcher gives the first one. The database URL comes from the first instance's
// runtime.json, the keys from its data dir, so sessions and stored credentials work on both; it
// runs no workers and never migrates (the first instance did).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "@playwright/test";
import { E2E_DATA_DIR } from "../playwright.config";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "apps", "web");

export interface SecondInstance {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startSecondInstance(): Promise<SecondInstance> {
  const runtime = JSON.parse(fs.readFileSync(path.join(E2E_DATA_DIR, "runtime.json"), "utf8")) as { databaseUrl: string };
  const secret = (name: string) => fs.readFileSync(path.join(E2E_DATA_DIR, name), "utf8").trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(webDir, "scripts", "server.ts")], {
    cwd: webDir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: runtime.databaseUrl,
      INBOX_SECRET_KEY: secret("secret.key"),
      NEXTAUTH_SECRET: secret("nextauth.secret"),
      NEXTAUTH_URL: url,
      NEXT_TELEMETRY_DISABLED: "1",
      INBOX_ALLOW_CUSTOM_BASE_URL: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    // Next.js prepares its build before it answers: slow on a busy machine.
    await expect
      .poll(
        async () => {
          if (child.exitCode !== null) throw new Error(`The second instance exited with code ${child.exitCode}.`);
          return fetch(`${url}/api/health`).then(
            (response) => response.status,
            () => 0,
          );
        },
        { timeout: 90_000 },
      )
      .toBe(200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
