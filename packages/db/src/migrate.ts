// Applies the committed migrations with the Prisma CLI (JS engine, see prisma.config.ts).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const dbPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function runPrisma(args: string[], databaseUrl: string): Promise<string> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dbPackageDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`prisma ${args.join(" ")} failed (code ${code}):\n${output}`)),
    );
  });
}

export function migrateDeploy(databaseUrl: string) {
  return runPrisma(["migrate", "deploy"], databaseUrl);
}
