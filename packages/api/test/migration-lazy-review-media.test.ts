// The migration that moves Ozon review photos to "fetched on open", run on a database holding rows of
// the previous schema: Ozon reviews get the counts of the attachments they already hold (so nothing
// is fetched again), other items are left alone, and nothing is marked pending.
import { describe, expect, it } from "vitest";
import { useDatabaseBeforeMigration } from "./support/migration-database";

const { client, migrateToBefore, applyTarget } = useDatabaseBeforeMigration("20261202124500_lazy_review_media");

describe("migration lazy_review_media", () => {
  it("gives stored Ozon reviews the counts of the photos and videos they hold, and marks nothing to fetch", async () => {
    await migrateToBefore();

    await client.query(`INSERT INTO "Seller" ("id","name","updatedAt") VALUES ('s1','Магазин',now())`);
    await client.query(`INSERT INTO "MarketplaceAccount" ("id","sellerId","marketplace","displayName","credentialsEncrypted","updatedAt") VALUES
      ('a1','s1','OZON','Ozon','v1:a:b:c',now()), ('a2','s1','WILDBERRIES','WB','v1:a:b:c',now())`);
    const photo = { kind: "image", url: "https://cdn1.ozone.ru/p.jpg" };
    const video = { kind: "video", url: "https://cdn1.ozone.ru/v.mp4", previewUrl: "https://cdn1.ozone.ru/v.jpg" };
    const rows: Array<[string, string, string, string, unknown]> = [
      ["i1", "a1", "OZON", "REVIEW", [photo, photo, video]],
      ["i2", "a1", "OZON", "REVIEW", null],
      ["i3", "a1", "OZON", "CHAT", null],
      ["i4", "a2", "WILDBERRIES", "REVIEW", [photo]],
    ];
    for (const [id, account, marketplace, channel, attachments] of rows) {
      await client.query(
        `INSERT INTO "Item" ("id","sellerId","accountId","marketplace","channel","externalId","text","attachments","upstreamCreatedAt","lastActivityAt","updatedAt")
         VALUES ($1,'s1',$2,$3::"Marketplace",$4::"Channel",$1,'Отзыв',$5::jsonb,now(),now(),now())`,
        [id, account, marketplace, channel, attachments === null ? null : JSON.stringify(attachments)],
      );
    }

    await applyTarget();
    const { rows: after } = await client.query<{ id: string; mediaCount: unknown; mediaPending: boolean }>(
      `SELECT "id", "mediaCount", "mediaPending" FROM "Item" ORDER BY "id"`,
    );
    expect(after).toEqual([
      { id: "i1", mediaCount: { images: 2, videos: 1 }, mediaPending: false },
      { id: "i2", mediaCount: { images: 0, videos: 0 }, mediaPending: false },
      { id: "i3", mediaCount: null, mediaPending: false },
      { id: "i4", mediaCount: null, mediaPending: false },
    ]);
  });
});
