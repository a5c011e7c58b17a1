-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "defaultOutputTokens" INTEGER;
