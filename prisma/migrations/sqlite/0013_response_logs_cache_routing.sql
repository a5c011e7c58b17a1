-- AlterTable
ALTER TABLE "Team" ADD COLUMN "logLevel" TEXT;

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN "inputNanoUsdPer1M" BIGINT;
ALTER TABLE "Deployment" ADD COLUMN "outputNanoUsdPer1M" BIGINT;

-- CreateTable
CREATE TABLE "CallBody" (
    "requestId" TEXT NOT NULL PRIMARY KEY,
    "apiKeyId" TEXT,
    "userId" TEXT,
    "teamId" TEXT,
    "request" TEXT NOT NULL,
    "response" TEXT,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ResponseCacheEntry" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- AlterTable (new trailing columns: added in place, no rebuild)
ALTER TABLE "Model" ADD COLUMN "routingStrategy" TEXT NOT NULL DEFAULT 'priority';
ALTER TABLE "Model" ADD COLUMN "responseCache" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "ApiKey" ADD COLUMN "logLevel" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "responseCache" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "UsageEvent" ADD COLUMN "cacheHit" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "UsageRollup" ADD COLUMN "cacheHits" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "CallBody_expiresAt_idx" ON "CallBody"("expiresAt");

-- CreateIndex
CREATE INDEX "CallBody_userId_createdAt_idx" ON "CallBody"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "ResponseCacheEntry_expiresAt_idx" ON "ResponseCacheEntry"("expiresAt");
