-- AlterTable
ALTER TABLE "CreditAccount" ADD COLUMN "stripeCustomerId" TEXT;

-- CreateTable
CREATE TABLE "PriceFinding" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "groupId" TEXT,
    "hubNanoUsd" BIGINT NOT NULL,
    "referenceNanoUsd" BIGINT NOT NULL,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PriceFinding_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CreditGrant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountMicrocredits" BIGINT NOT NULL,
    "remainingMicrocredits" BIGINT NOT NULL,
    "expiresAt" DATETIME,
    "reference" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditGrant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutoRecharge" (
    "accountId" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "thresholdMicrocredits" BIGINT NOT NULL DEFAULT 0,
    "packageId" TEXT,
    "paymentMethodId" TEXT,
    "cardLabel" TEXT,
    "armed" BOOLEAN NOT NULL DEFAULT true,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AutoRecharge_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutoRecharge_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "CreditPackage" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RedemptionCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "batch" TEXT,
    "amountMicrocredits" BIGINT NOT NULL,
    "creditExpiryDays" INTEGER,
    "expiresAt" DATETIME,
    "maxUses" INTEGER NOT NULL DEFAULT 1,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "perCustomerLimit" INTEGER NOT NULL DEFAULT 1,
    "disabledAt" DATETIME,
    "note" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CodeRedemption" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "codeId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT,
    "ordinal" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CodeRedemption_codeId_fkey" FOREIGN KEY ("codeId") REFERENCES "RedemptionCode" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CodeRedemption_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CodeRedemption_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "marginBps" INTEGER,
    "allowedModels" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "GroupPrice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "groupId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "marginBps" INTEGER NOT NULL,
    CONSTRAINT "GroupPrice_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupPrice_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL DEFAULT 'member',
    "passwordHash" TEXT,
    "teamId" TEXT,
    "monthlyBudgetNanoUsd" BIGINT,
    "disabledAt" DATETIME,
    "emailVerified" DATETIME,
    "image" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "rpm" INTEGER,
    "tpm" INTEGER,
    "alertLowBalanceMicrocredits" BIGINT,
    "alertEmail" TEXT,
    "groupId" TEXT,
    CONSTRAINT "User_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "User_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("alertEmail", "alertLowBalanceMicrocredits", "createdAt", "disabledAt", "email", "emailVerified", "id", "image", "monthlyBudgetNanoUsd", "name", "passwordHash", "role", "rpm", "teamId", "tpm", "updatedAt") SELECT "alertEmail", "alertLowBalanceMicrocredits", "createdAt", "disabledAt", "email", "emailVerified", "id", "image", "monthlyBudgetNanoUsd", "name", "passwordHash", "role", "rpm", "teamId", "tpm", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_teamId_idx" ON "User"("teamId");
CREATE INDEX "User_groupId_idx" ON "User"("groupId");
CREATE TABLE "new_CreditPackage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'usd',
    "creditsMicrocredits" BIGINT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "groupId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditPackage_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CustomerGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_CreditPackage" ("createdAt", "creditsMicrocredits", "currency", "enabled", "id", "name", "priceCents", "sortOrder") SELECT "createdAt", "creditsMicrocredits", "currency", "enabled", "id", "name", "priceCents", "sortOrder" FROM "CreditPackage";
DROP TABLE "CreditPackage";
ALTER TABLE "new_CreditPackage" RENAME TO "CreditPackage";
CREATE TABLE "new_Payment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL DEFAULT 'checkout',
    "stripeSessionId" TEXT,
    "stripePaymentIntentId" TEXT,
    "openFor" TEXT,
    "accountId" TEXT NOT NULL,
    "userId" TEXT,
    "packageId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "creditsMicrocredits" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "failureMessage" TEXT,
    "receiptUrl" TEXT,
    "invoiceUrl" TEXT,
    "refundedCents" INTEGER NOT NULL DEFAULT 0,
    "disputedCents" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paidAt" DATETIME,
    CONSTRAINT "Payment_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CreditAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Payment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Payment" ("accountId", "amountCents", "createdAt", "creditsMicrocredits", "currency", "id", "packageId", "paidAt", "status", "stripeSessionId", "userId") SELECT "accountId", "amountCents", "createdAt", "creditsMicrocredits", "currency", "id", "packageId", "paidAt", "status", "stripeSessionId", "userId" FROM "Payment";
DROP TABLE "Payment";
ALTER TABLE "new_Payment" RENAME TO "Payment";
CREATE UNIQUE INDEX "Payment_stripeSessionId_key" ON "Payment"("stripeSessionId");
CREATE UNIQUE INDEX "Payment_stripePaymentIntentId_key" ON "Payment"("stripePaymentIntentId");
CREATE UNIQUE INDEX "Payment_openFor_key" ON "Payment"("openFor");
CREATE INDEX "Payment_accountId_createdAt_idx" ON "Payment"("accountId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
CREATE UNIQUE INDEX "CreditAccount_stripeCustomerId_key" ON "CreditAccount"("stripeCustomerId");

-- Balances from before grants become one grant per account that never expires, so an account's
-- grants add up to its balance from the start.
INSERT INTO "CreditGrant" ("id", "accountId", "kind", "amountMicrocredits", "remainingMicrocredits", "reference")
SELECT 'legacy-' || "id", "id", 'legacy', "balanceMicrocredits", "balanceMicrocredits", 'legacy:' || "id"
FROM "CreditAccount" WHERE "balanceMicrocredits" > 0;
