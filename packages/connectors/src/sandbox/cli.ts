// `pnpm sandbox [--seed N] [--size N] [--port N] [--host H]`: starts every marketplace sandbox and
// prints URLs and demo credentials. Ctrl-C stops.
import { parseArgs } from "node:util";
import { startSandboxes } from "./index";

const { values } = parseArgs({
  // `pnpm sandbox -- --port 0` forwards the "--" itself.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    seed: { type: "string", default: "42" },
    size: { type: "string", default: "40" },
    port: { type: "string", default: "4500" },
    host: { type: "string", default: "127.0.0.1" },
  },
});

const sandboxes = await startSandboxes({
  seed: Number(values.seed),
  size: Number(values.size),
  port: Number(values.port) || undefined,
  host: values.host,
});

console.log("Marketplace sandboxes are running:\n");
for (const e of sandboxes.endpoints) {
  console.log(`  ${`${e.marketplace}/${e.channel}`.padEnd(22)} ${e.baseUrl}`);
}
console.log("\nCredentials:");
const seen = new Set<string>();
for (const e of sandboxes.endpoints) {
  const line = JSON.stringify(e.credentials);
  if (seen.has(e.marketplace + line)) continue;
  seen.add(e.marketplace + line);
  console.log(`  ${e.marketplace.padEnd(14)} ${line}`);
}
console.log("\nPass the URL as ConnectorOptions.baseUrl. Ctrl-C to stop.");

const stop = async () => {
  await sandboxes.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
