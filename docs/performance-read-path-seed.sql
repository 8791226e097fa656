-- The 1M-item data set behind docs/performance.md, "Read path". Apply to a migrated, empty database:
--   psql "$URL" -v sellers=20 -v big=280000 -v per=37900 -v small=100 -f docs/performance-read-path-seed.sql
-- (sellers=0 big=0 per=0 small=100 gives the 100-item seller alone). About 4 minutes on 2 busy cores.
INSERT INTO "Seller" ("id","name","updatedAt") SELECT 's' || g, 'Seller ' || g, now() FROM generate_series(1, :sellers) g;
INSERT INTO "Seller" ("id","name","updatedAt") VALUES ('small', 'Small seller', now());
INSERT INTO "MarketplaceAccount" ("id","sellerId","marketplace","displayName","credentialsEncrypted","updatedAt")
SELECT s."id" || '-' || m.k, s."id", m.mp::"Marketplace", s."name" || ' ' || m.k, 'v1:a:b:c', now()
FROM "Seller" s CROSS JOIN (VALUES ('wb','WILDBERRIES'),('oz','OZON'),('ym','YANDEX_MARKET')) AS m(k, mp);
-- items: seller s1 gets :big, s2.. get :per, small gets :small
CREATE TEMP TABLE plan AS
SELECT "id" AS seller, CASE WHEN "id" = 's1' THEN :big WHEN "id" = 'small' THEN :small ELSE :per END AS n FROM "Seller";
INSERT INTO "Item" ("id","sellerId","accountId","marketplace","channel","externalId","text","rating","authorName","productName",
  "upstreamCreatedAt","answered","read","lastActivityAt","updatedAt")
SELECT p.seller || '-' || g,
  p.seller,
  p.seller || '-' || (ARRAY['wb','oz','ym'])[1 + (h % 10 >= 5)::int + (h % 10 >= 8)::int],
  (ARRAY['WILDBERRIES','OZON','YANDEX_MARKET'])[1 + (h % 10 >= 5)::int + (h % 10 >= 8)::int]::"Marketplace",
  (CASE WHEN (h / 10) % 10 < 7 THEN 'REVIEW' WHEN (h / 10) % 10 < 9 THEN 'QUESTION' ELSE 'CHAT' END)::"Channel",
  'ext-' || g,
  'Отзыв номер ' || g || ': товар пришёл вовремя, качество хорошее, но упаковка могла быть лучше. ' || md5(g::text),
  1 + h % 5, 'Покупатель ' || (h % 1000), 'Товар ' || (h % 5000),
  at, (h / 100) % 10 < 6, (h / 1000) % 10 < 7, at, now()
FROM plan p
CROSS JOIN LATERAL generate_series(1, p.n) g
CROSS JOIN LATERAL (SELECT abs(hashtext(p.seller || g)) AS h, timestamp '2026-12-01' - (g * interval '37 seconds') - (abs(hashtext('t' || p.seller || g)) % 30) * interval '1 second' AS at) x;
-- ~524k messages over the chats
INSERT INTO "Message" ("id","itemId","externalId","direction","text","sentAt")
SELECT i."id" || '-m' || k, i."id", 'm' || k, (CASE WHEN k % 2 = 0 THEN 'OUT' ELSE 'IN' END)::"MessageDirection",
  'Сообщение ' || k || ' в чате ' || i."id", i."lastActivityAt" - (6 - k) * interval '1 minute'
FROM "Item" i CROSS JOIN generate_series(1, 5) k WHERE i."channel" = 'CHAT';
-- some replies
INSERT INTO "Reply" ("id","itemId","text","status","idempotencyKey","updatedAt")
SELECT 'r-' || i."id", i."id", 'Спасибо!', 'SENT', 'k-' || i."id", now() FROM "Item" i WHERE i."answered" AND abs(hashtext(i."id")) % 4 = 0;
ANALYZE;
