-- CreateEnum
CREATE TYPE "EmbeddingJobStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "embedding_jobs" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "status" "EmbeddingJobStatus" NOT NULL DEFAULT 'QUEUED',
    "processed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "batch_size" INTEGER NOT NULL,
    "error_code" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "embedding_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "embedding_results" (
    "job_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "text" TEXT,
    "vector" REAL[],
    "error_code" TEXT,
    "error" TEXT,

    CONSTRAINT "embedding_results_pkey" PRIMARY KEY ("job_id","line")
);

-- CreateIndex
CREATE INDEX "embedding_jobs_user_id_status_idx" ON "embedding_jobs"("user_id", "status");

-- AddForeignKey
ALTER TABLE "embedding_jobs" ADD CONSTRAINT "embedding_jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "embedding_results" ADD CONSTRAINT "embedding_results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "embedding_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
