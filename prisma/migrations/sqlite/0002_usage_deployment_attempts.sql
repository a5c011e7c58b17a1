-- Hand-tuned: Prisma proposes rebuilding the table; adding the columns in place is equivalent and
-- does not copy the (large) usage table.
ALTER TABLE "UsageEvent" ADD COLUMN "deploymentId" TEXT;
ALTER TABLE "UsageEvent" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 1;
