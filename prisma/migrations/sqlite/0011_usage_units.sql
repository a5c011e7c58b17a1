-- AlterTable (written by hand: the generated SQL rebuilt the whole rollup table for three trailing columns)
ALTER TABLE "UsageRollup" ADD COLUMN "images" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "UsageRollup" ADD COLUMN "audioMs" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "UsageRollup" ADD COLUMN "characters" BIGINT NOT NULL DEFAULT 0;
