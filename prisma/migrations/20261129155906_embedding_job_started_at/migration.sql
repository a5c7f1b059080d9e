-- AlterTable
ALTER TABLE "embedding_jobs" ADD COLUMN     "started_at" TIMESTAMP(3);
