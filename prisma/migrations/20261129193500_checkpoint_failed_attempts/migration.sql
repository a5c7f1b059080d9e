-- AlterTable
ALTER TABLE "checkpoints" ADD COLUMN     "failed_attempts" INTEGER NOT NULL DEFAULT 0;
