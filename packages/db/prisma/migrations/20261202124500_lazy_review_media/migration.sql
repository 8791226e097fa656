-- Ozon review photos and videos are fetched when a review is opened, not while listing: the listing's
-- counts, and whether the URLs are still to be fetched.
-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "mediaCount" JSONB,
ADD COLUMN     "mediaPending" BOOLEAN NOT NULL DEFAULT false;

-- Ozon reviews synced before this change hold their URLs already (listing read the info of every
-- review with media): their counts are those of the stored attachments, so nothing is to be fetched.
UPDATE "Item" SET "mediaCount" = (
    SELECT jsonb_build_object('images', count(*) FILTER (WHERE a.value->>'kind' = 'image'),
      'videos', count(*) FILTER (WHERE a.value->>'kind' = 'video'))
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof("attachments") = 'array' THEN "attachments" ELSE '[]'::jsonb END) AS a(value))
WHERE "marketplace" = 'OZON' AND "channel" = 'REVIEW';
