// The migration that classifies sync errors (security review, finding 8) and starts analytics, run on
// a database holding rows of the previous schema: stored error texts become reasons and are dropped,
// first answers and the rollups are backfilled from the existing items, messages and replies.
import { describe, expect, it } from "vitest";
import { useDatabaseBeforeMigration } from "./support/migration-database";

const { client, migrateToBefore, applyTarget } = useDatabaseBeforeMigration("20261202050026_analytics_and_sync_health");

describe("migration analytics_and_sync_health", () => {
  it("classifies stored error texts and backfills first answers and the rollups", async () => {
    await migrateToBefore();

    await client.query(`INSERT INTO "User" ("id","email","name","passwordHash","updatedAt") VALUES ('u1','a@b.c','Анна','x',now())`);
    await client.query(`INSERT INTO "Seller" ("id","name","updatedAt") VALUES ('s1','Магазин',now())`);
    await client.query(`INSERT INTO "MarketplaceAccount" ("id","sellerId","marketplace","displayName","credentialsEncrypted","status","statusDetail","updatedAt") VALUES
      ('a1','s1','WILDBERRIES','WB','v1:a:b:c','NEEDS_TOKEN','wildberries: token problem; token scope not allowed for this API route',now()),
      ('a2','s1','OZON','Ozon','v1:a:b:c','OK','ozon: unexpected 400 {"message":"bad"}',now())`);
    await client.query(`INSERT INTO "SyncRun" ("id","accountId","channel","status","error") VALUES
      ('r1','a1','CHAT','FAILED','wildberries: token problem; token scope not allowed for this API route'),
      ('r2','a1','REVIEW','FAILED','wildberries: token problem; token is expired (401)'),
      ('r3','a1','REVIEW','PARTIAL','wildberries: rate limited (429), retry in 3600 s'),
      ('r4','a2','REVIEW','FAILED','Interrupted (worker stopped); the next run resumed from the last checkpoint.'),
      ('r5','a2','CHAT','FAILED','ozon: 503 Service Unavailable after 4 retries'),
      ('r6','a2','QUESTION','FAILED','Cannot read properties of undefined (reading ''id'')'),
      ('r7','a2','REVIEW','SUCCEEDED',NULL)`);
    await client.query(`INSERT INTO "Item" ("id","sellerId","accountId","marketplace","channel","externalId","text","rating","upstreamCreatedAt","answered","lastActivityAt","updatedAt") VALUES
      ('i1','s1','a1','WILDBERRIES','REVIEW','e1','Отзыв',2,'2026-11-20 09:00','true','2026-11-20 09:00',now()),
      ('i2','s1','a1','WILDBERRIES','REVIEW','e2','Отзыв',5,'2026-11-20 22:30','true','2026-11-20 22:30',now()),
      ('i3','s1','a1','WILDBERRIES','CHAT','e3','Чат',NULL,'2026-11-21 10:00','true','2026-11-21 10:20',now())`);
    await client.query(`INSERT INTO "Message" ("id","itemId","externalId","direction","text","sentAt") VALUES
      ('m1','i3','x1','IN','Вопрос','2026-11-21 10:00'), ('m2','i3','x2','OUT','Ответ','2026-11-21 10:20'), ('m3','i3','x3','OUT','Ещё','2026-11-21 11:00')`);
    await client.query(`INSERT INTO "Reply" ("id","itemId","authorId","text","status","idempotencyKey","sentAt","updatedAt") VALUES
      ('p1','i1','u1','Спасибо','SENT','k1','2026-11-20 10:00',now())`);

    await applyTarget();

    const runs = await client.query(`SELECT "id", "errorReason"::text AS reason FROM "SyncRun" ORDER BY "id"`);
    expect(Object.fromEntries(runs.rows.map((row: { id: string; reason: string | null }) => [row.id, row.reason]))).toEqual({
      r1: "TOKEN_CATEGORY_MISSING",
      r2: "TOKEN_REJECTED",
      r3: "RATE_LIMITED",
      r4: "INTERRUPTED",
      r5: "UNREACHABLE",
      r6: "INTERNAL",
      r7: null,
    });
    const accounts = await client.query(`SELECT "id", "statusReason"::text AS reason FROM "MarketplaceAccount" ORDER BY "id"`);
    expect(accounts.rows).toEqual([
      { id: "a1", reason: "TOKEN_CATEGORY_MISSING" },
      { id: "a2", reason: "MARKETPLACE_ERROR" },
    ]);
    const columns = await client.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE column_name IN ('error', 'statusDetail') AND table_name IN ('SyncRun', 'MarketplaceAccount')`,
    );
    expect(columns.rows).toEqual([]);

    // First answers: the review answered from Inbox at its reply, the chat at its first seller
    // message, the review found answered with no reply of ours stays unknown.
    const items = await client.query(`SELECT "id", to_char("firstAnsweredAt", 'YYYY-MM-DD HH24:MI') AS at FROM "Item" ORDER BY "id"`);
    expect(items.rows).toEqual([
      { id: "i1", at: "2026-11-20 10:00" },
      { id: "i2", at: null },
      { id: "i3", at: "2026-11-21 10:20" },
    ]);
    // Rollup: Moscow days (i2 at 22:30 UTC is the 21st in Moscow), waits in log buckets, the reply by its author.
    const rollup = await client.query(
      `SELECT "metric"::text || '/' || "channel"::text || '/' || "day"::text || '/' || "bucket" || '/' || "subject" AS key, "count" FROM "AnalyticsDaily" ORDER BY 1`,
    );
    expect(Object.fromEntries(rollup.rows.map((row: { key: string; count: number }) => [row.key, row.count]))).toEqual({
      [`FIRST_ANSWER/CHAT/2026-11-21/${Math.floor(8 * Math.log2(1 + 1200))}/`]: 1,
      [`FIRST_ANSWER/REVIEW/2026-11-20/${Math.floor(8 * Math.log2(1 + 3600))}/`]: 1,
      "RECEIVED/CHAT/2026-11-21/0/": 1,
      "RECEIVED/REVIEW/2026-11-20/2/": 1,
      "RECEIVED/REVIEW/2026-11-21/5/": 1,
      "REPLY_SENT/REVIEW/2026-11-20/0/u1": 1,
    });
  });
});
