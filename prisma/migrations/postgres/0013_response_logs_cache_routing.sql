-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "logLevel" TEXT;

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "responseCache" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "routingStrategy" TEXT NOT NULL DEFAULT 'priority';

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "inputNanoUsdPer1M" BIGINT,
ADD COLUMN     "outputNanoUsdPer1M" BIGINT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "logLevel" TEXT,
ADD COLUMN     "responseCache" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "cacheHit" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "UsageRollup" ADD COLUMN     "cacheHits" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CallBody" (
    "requestId" TEXT NOT NULL,
    "apiKeyId" TEXT,
    "userId" TEXT,
    "teamId" TEXT,
    "request" TEXT NOT NULL,
    "response" TEXT,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CallBody_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "ResponseCacheEntry" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResponseCacheEntry_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "CallBody_expiresAt_idx" ON "CallBody"("expiresAt");

-- CreateIndex
CREATE INDEX "CallBody_userId_createdAt_idx" ON "CallBody"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "ResponseCacheEntry_expiresAt_idx" ON "ResponseCacheEntry"("expiresAt");
