-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "deploymentId" TEXT;
