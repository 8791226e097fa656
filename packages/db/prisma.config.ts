// Prisma CLI configuration: the JS engine with the pg driver adapter, so no native engine is
// ever downloaded (see ../../docs/database.md).
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// `generate` needs a URL even when no database runs; nothing connects to this placeholder.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:1/unset";
process.env.CHECKPOINT_DISABLE = "1";

// The WASM schema engine leaves 10 s and 60 s timers behind; unref them so the CLI exits when done.
const setTimeoutWithRef = globalThis.setTimeout;
globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
  const timer = setTimeoutWithRef(...args);
  if ((args[1] ?? 0) >= 5_000) timer.unref();
  return timer;
}) as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true });
  },
});
