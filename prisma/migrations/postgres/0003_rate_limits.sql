-- AlterTable
ALTER TABLE "User" ADD COLUMN     "rpm" INTEGER,
ADD COLUMN     "tpm" INTEGER;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "rpm" INTEGER,
ADD COLUMN     "tpm" INTEGER;
