// `pnpm bench`: sync throughput and memory at scale, as ratios against a baseline measured in the
// same process — the connector alone paging through the same sandbox (HTTP + parsing, no database).
//
//   pnpm bench -- --reviews 20000
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { getConnector } from "@inbox/connectors";
import { startOzonSandbox } from "@inbox/connectors/sandbox";
import { createPrismaClient, encryptSecret } from "@inbox/db";
import { migrateDeploy, startEmbeddedPostgres } from "@inbox/db/server";
import { syncAccount } from "../src/sync/sync-account";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { reviews: { type: "string", default: "5000" } },
});
const reviews = Number(values.reviews);
process.env.INBOX_SECRET_KEY ??= Buffer.alloc(32, 9).toString("base64");

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function timed<T>(label: string, work: () => Promise<T>) {
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  return { label, ms, peakDelta: peakRss - rssBefore, result };
}

const server = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `inbox-bench-${process.pid}`), ephemeral: true });
const sandbox = await startOzonSandbox({ seed: 11, rateLimit: false, size: { reviews, questions: 0, chats: 0 } });
try {
  await migrateDeploy(server.url);
  const prisma = createPrismaClient(server.url);
  const options = { baseUrl: sandbox.url, rateLimit: false as const };

  const baseline = await timed("connector only (HTTP + parse)", async () => {
    const connector = getConnector("ozon", "review", sandbox.credentials, options);
    let count = 0;
    let cursor: string | null = null;
    do {
      const page = await connector.listItems({ cursor, take: 100 });
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  });

  const seller = await prisma.seller.create({ data: { name: "Bench" } });
  const account = await prisma.marketplaceAccount.create({
    data: {
      sellerId: seller.id,
      marketplace: "OZON",
      displayName: "bench",
      credentialsEncrypted: encryptSecret(JSON.stringify(sandbox.credentials)),
      baseUrls: { "*": sandbox.url },
    },
  });
  const sync = { prisma, accountId: account.id, connectorOptions: { rateLimit: false as const }, pageSize: 100, maxPages: 100_000 };
  const first = await timed("first sync (connector + ingest + checkpoints)", () => syncAccount(sync));
  const replay = await timed("re-sync, nothing changed", async () => {
    await prisma.syncState.updateMany({ where: { accountId: account.id }, data: { cursor: null } });
    return syncAccount(sync);
  });
  const stored = await prisma.item.count({ where: { accountId: account.id } });

  console.log(`\nSync throughput, ${reviews} Ozon reviews, ${os.cpus().length} cores (${stored} stored)\n`);
  console.log("| run | time | items/s | × baseline | peak RSS growth |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const run of [baseline, first, replay]) {
    console.log(
      `| ${run.label} | ${(run.ms / 1000).toFixed(2)} s | ${Math.round((reviews / run.ms) * 1000)} | ${(run.ms / baseline.ms).toFixed(2)} | ${mb(run.peakDelta)} |`,
    );
  }
  if (stored !== reviews) throw new Error(`expected ${reviews} items, stored ${stored}`);
  await prisma.$disconnect();
} finally {
  clearInterval(sampler);
  await sandbox.close();
  await server.stop();
}
