-- AlterTable
ALTER TABLE "Price" ADD COLUMN     "audioNanoUsdPerMinute" BIGINT,
ADD COLUMN     "characterNanoUsdPer1M" BIGINT;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "audioMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "characters" INTEGER NOT NULL DEFAULT 0;
