-- CreateEnum
CREATE TYPE "PromptBatchStatus" AS ENUM ('SUBMITTING', 'RUNNING', 'CANCELLING', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED');

-- CreateTable
CREATE TABLE "prompt_batch_jobs" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" "PromptBatchStatus" NOT NULL DEFAULT 'SUBMITTING',
    "input_file_id" TEXT,
    "provider_batch_id" TEXT,
    "total" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "total_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "polls" INTEGER NOT NULL DEFAULT 0,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "error_code" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "prompt_batch_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_batch_items" (
    "job_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "prompt" TEXT NOT NULL,
    "system" TEXT,
    "temperature" DOUBLE PRECISION,
    "max_tokens" INTEGER,
    "success" BOOLEAN,
    "text" TEXT,
    "error_code" TEXT,
    "error" TEXT,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "prompt_batch_items_pkey" PRIMARY KEY ("job_id","index")
);

-- CreateIndex
CREATE INDEX "prompt_batch_jobs_user_id_created_at_idx" ON "prompt_batch_jobs"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "prompt_batch_items" ADD CONSTRAINT "prompt_batch_items_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "prompt_batch_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
