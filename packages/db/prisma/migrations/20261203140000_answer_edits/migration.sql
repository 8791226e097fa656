-- Answer edits: a reply may replace the answer of a review or question where the marketplace allows
-- it, and each item says whether it does now (a constant default, so no table rewrite)
CREATE TYPE "ReplyKind" AS ENUM ('ANSWER', 'EDIT');

ALTER TABLE "Reply" ADD COLUMN "kind" "ReplyKind" NOT NULL DEFAULT 'ANSWER';

ALTER TABLE "Reply" ADD COLUMN "replaces" TEXT;

ALTER TABLE "Item" ADD COLUMN "answerEditable" BOOLEAN NOT NULL DEFAULT false;
