-- DropIndex
DROP INDEX "Payment_accountId_idx";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "groupId" TEXT;

-- AlterTable
ALTER TABLE "CreditAccount" ADD COLUMN     "stripeCustomerId" TEXT;

-- AlterTable
ALTER TABLE "CreditPackage" ADD COLUMN     "groupId" TEXT;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "disputedCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failureMessage" TEXT,
ADD COLUMN     "invoiceUrl" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'checkout',
ADD COLUMN     "openFor" TEXT,
ADD COLUMN     "receiptUrl" TEXT,
ADD COLUMN     "refundedCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stripePaymentIntentId" TEXT,
ALTER COLUMN "stripeSessionId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "PriceFinding" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "groupId" TEXT,
    "hubNanoUsd" BIGINT NOT NULL,
    "referenceNanoUsd" BIGINT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PriceFinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditGrant" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountMicrocredits" BIGINT NOT NULL,
    "remainingMicrocredits" BIGINT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "reference" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoRecharge" (
    "accountId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "thresholdMicrocredits" BIGINT NOT NULL DEFAULT 0,
    "packageId" TEXT,
    "paymentMethodId" TEXT,
    "cardLabel" TEXT,
    "armed" BOOLEAN NOT NULL DEFAULT true,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoRecharge_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "RedemptionCode" (
    "id" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "batch" TEXT,
    "amountMicrocredits" BIGINT NOT NULL,
    "creditExpiryDays" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "maxUses" INTEGER NOT NULL DEFAULT 1,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "perCustomerLimit" INTEGER NOT NULL DEFAULT 1,
    "disabledAt" TIMESTAMP(3),
    "note" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RedemptionCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CodeRedemption" (
    "id" TEXT NOT NULL,
    "codeId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT,
    "ordinal" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodeRedemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "marginBps" INTEGER,
    "allowedModels" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupPrice" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "marginBps" INTEGER NOT NULL,

    CONSTRAINT "GroupPrice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PriceFinding_modelId_idx" ON "PriceFinding"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "CreditGrant_reference_key" ON "CreditGrant"("reference");

-- CreateIndex
CREATE INDEX "CreditGrant_accountId_remainingMicrocredits_idx" ON "CreditGrant"("accountId", "remainingMicrocredits");

-- CreateIndex
CREATE INDEX "CreditGrant_expiresAt_idx" ON "CreditGrant"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "RedemptionCode_hash_key" ON "RedemptionCode"("hash");

-- CreateIndex
CREATE INDEX "RedemptionCode_batch_idx" ON "RedemptionCode"("batch");

-- CreateIndex
CREATE INDEX "CodeRedemption_accountId_idx" ON "CodeRedemption"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "CodeRedemption_codeId_accountId_ordinal_key" ON "CodeRedemption"("codeId", "accountId", "ordinal");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerGroup_name_key" ON "CustomerGroup"("name");

-- CreateIndex
CREATE UNIQUE INDEX "GroupPrice_groupId_modelId_key" ON "GroupPrice"("groupId", "modelId");

-- CreateIndex
CREATE INDEX "User_groupId_idx" ON "User"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "CreditAccount_stripeCustomerId_key" ON "CreditAccount"("stripeCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_stripePaymentIntentId_key" ON "Payment"("stripePaymentIntentId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_openFor_key" ON "Payment"("openFor");

-- CreateIndex
CREATE INDEX "Payment_accountId_createdAt_idx" ON "Payment"("accountId", "createdAt");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceFinding" ADD CONSTRAINT "PriceFinding_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditGrant" ADD CONSTRAINT "CreditGrant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoRecharge" ADD CONSTRAINT "AutoRecharge_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoRecharge" ADD CONSTRAINT "AutoRecharge_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "CreditPackage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditPackage" ADD CONSTRAINT "CreditPackage_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeRedemption" ADD CONSTRAINT "CodeRedemption_codeId_fkey" FOREIGN KEY ("codeId") REFERENCES "RedemptionCode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeRedemption" ADD CONSTRAINT "CodeRedemption_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeRedemption" ADD CONSTRAINT "CodeRedemption_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupPrice" ADD CONSTRAINT "GroupPrice_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupPrice" ADD CONSTRAINT "GroupPrice_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Balances from before grants become one grant per account that never expires, so an account's
-- grants add up to its balance from the start.
INSERT INTO "CreditGrant" ("id", "accountId", "kind", "amountMicrocredits", "remainingMicrocredits", "reference")
SELECT 'legacy-' || "id", "id", 'legacy', "balanceMicrocredits", "balanceMicrocredits", 'legacy:' || "id"
FROM "CreditAccount" WHERE "balanceMicrocredits" > 0;
