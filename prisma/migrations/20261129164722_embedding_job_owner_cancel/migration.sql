-- AlterEnum
ALTER TYPE "EmbeddingJobStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "embedding_jobs" ADD COLUMN     "owner_process_id" TEXT;
