-- AlterTable
ALTER TABLE "Price" ADD COLUMN     "videoNanoUsdPerSecond" BIGINT;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "videoMs" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageRollup" ADD COLUMN     "videoMs" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "VideoJob" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "userId" TEXT,
    "teamId" TEXT,
    "requestedModel" TEXT NOT NULL,
    "modelId" TEXT,
    "deploymentId" TEXT,
    "providerId" TEXT NOT NULL,
    "credentialId" TEXT,
    "upstreamModel" TEXT NOT NULL,
    "upstreamId" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "seconds" INTEGER NOT NULL,
    "size" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "billing" TEXT NOT NULL,
    "settled" BOOLEAN NOT NULL DEFAULT false,
    "videoMs" INTEGER NOT NULL DEFAULT 0,
    "fileKey" TEXT,
    "fileBytes" INTEGER,
    "contentType" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "pollAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "pollFailures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "VideoJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "VideoJob_requestId_key" ON "VideoJob"("requestId");

-- CreateIndex
CREATE INDEX "VideoJob_status_pollAfter_idx" ON "VideoJob"("status", "pollAfter");

-- CreateIndex
CREATE INDEX "VideoJob_userId_createdAt_idx" ON "VideoJob"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "VideoJob_teamId_createdAt_idx" ON "VideoJob"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "VideoJob_expiresAt_idx" ON "VideoJob"("expiresAt");
