// `pnpm --filter @inbox/api exec tsx scripts/measure-analytics.ts [--items 1000000]`: the analytics
// query times of docs/performance.md ("Analytics"). Seeds its own embedded PostgreSQL (thrown away
// afterwards) with generate_series through ordinary INSERTs, so the triggers build the rollups as
// ingest would; then times `getAnalytics` (all its statements, as the router runs them) for the
// largest seller, a 100-item seller and all sellers together, and the write cost of the triggers.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient } from "@inbox/db";
import { migrateDeploy, startEmbeddedPostgres } from "@inbox/db/server";
import { getAnalytics, moscowToday } from "../src/services/analytics";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { items: { type: "string", default: "1000000" }, runs: { type: "string", default: "15" } },
});
const totalItems = Number(values.items);
const runs = Number(values.runs);
const SELLERS = 20;

const server = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `inbox-analytics-${process.pid}`), ephemeral: true });
const prisma = createPrismaClient(server.url);
try {
  await migrateDeploy(server.url);
  // Zipf-spread sellers (s = 1) plus a 100-item seller; items one every 37 s back from now, so the
  // largest seller covers months and a 30-day window holds tens of thousands of its items.
  const weights = Array.from({ length: SELLERS }, (_, rank) => 1 / (rank + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((weight) => Math.floor((weight / sum) * totalItems));
  const started = Date.now();
  await prisma.$executeRawUnsafe(`INSERT INTO "User" ("id","email","name","passwordHash","updatedAt")
    SELECT 'u' || g, 'u' || g || '@bench.local', 'Сотрудник ' || g, 'unused', now() FROM generate_series(1, 5) g`);
  await prisma.$executeRawUnsafe(`INSERT INTO "Seller" ("id","name","updatedAt")
    SELECT 's' || g, 'Продавец ' || g, now() FROM generate_series(1, ${SELLERS}) g UNION ALL SELECT 'small', 'Маленький', now()`);
  await prisma.$executeRawUnsafe(`INSERT INTO "Membership" ("id","userId","sellerId","role")
    SELECT 'm-' || "id", 'u1', "id", 'OWNER' FROM "Seller"`);
  await prisma.$executeRawUnsafe(`INSERT INTO "MarketplaceAccount" ("id","sellerId","marketplace","displayName","credentialsEncrypted","updatedAt")
    SELECT s."id" || '-' || m.k, s."id", m.mp::"Marketplace", s."name" || ' ' || m.k, 'v1:a:b:c', now()
    FROM "Seller" s CROSS JOIN (VALUES ('wb','WILDBERRIES'),('oz','OZON'),('ym','YANDEX_MARKET')) AS m(k, mp)`);
  const plan = [...sizes.map((n, index) => [`s${index + 1}`, n] as const), ["small", 100] as const];
  for (const [seller, n] of plan) {
    // One statement per seller: the statement triggers fold one transition table each.
    await prisma.$executeRawUnsafe(`
      INSERT INTO "Item" ("id","sellerId","accountId","marketplace","channel","externalId","text","rating","productExternalId",
        "productArticle","productName","upstreamCreatedAt","answered","firstAnsweredAt","read","lastActivityAt","updatedAt")
      SELECT '${seller}-' || g, '${seller}', '${seller}-' || (ARRAY['wb','oz','ym'])[1 + (h % 10 >= 5)::int + (h % 10 >= 8)::int],
        (ARRAY['WILDBERRIES','OZON','YANDEX_MARKET'])[1 + (h % 10 >= 5)::int + (h % 10 >= 8)::int]::"Marketplace", ch::"Channel",
        'ext-' || g, 'Отзыв номер ' || g || ': товар пришёл вовремя, но упаковка могла быть лучше.',
        CASE WHEN ch = 'REVIEW' THEN 1 + (h / 7) % 5 END, 'pid-' || (h % 3000), 'ART-' || (h % 3000), 'Товар ' || (h % 3000),
        at, answered, CASE WHEN answered AND (h / 1000) % 10 < 8 THEN at + ((30 * power(2, (h % 997) / 80.0)) * interval '1 second') END,
        (h / 100) % 10 < 7, at, now()
      FROM generate_series(1, ${n}) g
      CROSS JOIN LATERAL (SELECT abs(hashtext('${seller}' || g)) AS h) hh
      CROSS JOIN LATERAL (SELECT
        (CASE WHEN (h / 10) % 10 < 7 THEN 'REVIEW' WHEN (h / 10) % 10 < 9 THEN 'QUESTION' ELSE 'CHAT' END) AS ch,
        (now() AT TIME ZONE 'UTC') - g * interval '37 seconds' AS at,
        (h / 100) % 10 < 6 AS answered) x`);
  }
  // Replies of five members to a quarter of the answered items, sent at the first answer.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Reply" ("id","itemId","authorId","text","status","idempotencyKey","sentAt","updatedAt")
    SELECT 'r-' || "id", "id", 'u' || (1 + abs(hashtext("id")) % 5), 'Спасибо!', 'SENT', 'k-' || "id", "firstAnsweredAt", now()
    FROM "Item" WHERE "firstAnsweredAt" IS NOT NULL AND abs(hashtext("id")) % 4 = 0`);
  await prisma.$executeRawUnsafe("ANALYZE");
  const seededMs = Date.now() - started;
  const counts = await prisma.$queryRaw<{ items: number; rollup: number; replies: number }[]>`
    SELECT (SELECT COUNT(*)::int FROM "Item") AS items, (SELECT COUNT(*)::int FROM "AnalyticsDaily") AS rollup,
      (SELECT COUNT(*)::int FROM "Reply") AS replies`;
  console.log(`seeded ${JSON.stringify(counts[0])} in ${(seededMs / 1000).toFixed(0)} s; sellers ${sizes.join(", ")} + 100`);

  const today = moscowToday();
  const daysBack = (days: number) => moscowToday(new Date(Date.now() - (days - 1) * 86_400_000));
  const allSellers = plan.map(([id]) => ({ id, name: id }));
  const cases = [
    ["largest seller, 30 days", [{ id: "s1", name: "s1" }], 30],
    ["largest seller, 90 days", [{ id: "s1", name: "s1" }], 90],
    ["100-item seller, 30 days", [{ id: "small", name: "small" }], 30],
    ["all 21 sellers, 30 days", allSellers, 30],
    ["all 21 sellers, 366 days", allSellers, 366],
  ] as const;
  // The floor of any query through Prisma on this machine at this moment.
  const floor: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const at = performance.now();
    await prisma.$queryRaw`SELECT 1`;
    floor.push(performance.now() - at);
  }
  floor.sort((a, b) => a - b);
  console.log(`baseline SELECT 1 through Prisma: p50 ${floor[Math.ceil(0.5 * runs) - 1]!.toFixed(1)} ms`);
  for (const [label, sellers, days] of cases) {
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const at = performance.now();
      await getAnalytics(prisma, [...sellers], { from: daysBack(days), to: today });
      times.push(performance.now() - at);
    }
    times.sort((a, b) => a - b);
    const pick = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!.toFixed(1);
    console.log(`${label}: p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms (${runs} runs)`);
  }

  // Write cost of the analytics triggers: the same 20,000-row insert and update, with and without them.
  for (const mode of ["on", "off"] as const) {
    if (mode === "off") {
      for (const trigger of ["analytics_items_insert", "analytics_items_update", "item_first_answer"]) {
        await prisma.$executeRawUnsafe(`ALTER TABLE "Item" DISABLE TRIGGER ${trigger}`);
      }
    }
    const at = performance.now();
    await prisma.$executeRawUnsafe(`
      INSERT INTO "Item" ("id","sellerId","accountId","marketplace","channel","externalId","text","rating","upstreamCreatedAt","lastActivityAt","updatedAt")
      SELECT 'w-${mode}-' || g, 's2', 's2-wb', 'WILDBERRIES', 'REVIEW', 'w-${mode}-' || g, 'Текст', 1 + g % 5, now() - g * interval '1 minute',
        now() - g * interval '1 minute', now()
      FROM generate_series(1, 20000) g`);
    const inserted = performance.now() - at;
    const updateAt = performance.now();
    await prisma.$executeRawUnsafe(`UPDATE "Item" SET "answered" = true WHERE "id" LIKE 'w-${mode}-%'`);
    console.log(
      `triggers ${mode}: insert 20,000 items ${inserted.toFixed(0)} ms, mark them answered ${(performance.now() - updateAt).toFixed(0)} ms`,
    );
  }
  console.log(
    `load average during the run: ${os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" / ")}, ${os.cpus().length} cores`,
  );
} finally {
  await prisma.$disconnect();
  await server.stop();
}
