-- AlterTable
ALTER TABLE "Price" ADD COLUMN "audioNanoUsdPerMinute" BIGINT;
ALTER TABLE "Price" ADD COLUMN "characterNanoUsdPer1M" BIGINT;

-- AlterTable (written by hand: the generated SQL rebuilt the whole usage table for two trailing columns)
ALTER TABLE "UsageEvent" ADD COLUMN "audioMs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "UsageEvent" ADD COLUMN "characters" INTEGER NOT NULL DEFAULT 0;
