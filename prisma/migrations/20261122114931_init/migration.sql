-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'PARTIAL', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DocumentStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('VALIDATE', 'RENDER', 'EXTRACT', 'PARSE', 'CLEAN', 'SUMMARIZE', 'CHUNK', 'EMBED', 'CITATIONS');

-- CreateEnum
CREATE TYPE "CheckpointStatus" AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ErrorStrategy" AS ENUM ('CONTINUE', 'FAIL_ALL');

-- CreateEnum
CREATE TYPE "Priority" AS ENUM ('CRITICAL', 'HIGH', 'NORMAL', 'LOW');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_jobs" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "label" TEXT,
    "status" "BatchStatus" NOT NULL DEFAULT 'QUEUED',
    "error_strategy" "ErrorStrategy" NOT NULL DEFAULT 'CONTINUE',
    "priority" "Priority" NOT NULL DEFAULT 'NORMAL',
    "render_dpi" INTEGER NOT NULL DEFAULT 150,
    "stages" "Stage"[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "batch_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_jobs" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "filename" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "page_count" INTEGER,
    "title" TEXT,
    "status" "DocumentStatus" NOT NULL DEFAULT 'QUEUED',
    "current_stage" "Stage",
    "depends_on" UUID[],
    "error_code" TEXT,
    "error_message" TEXT,
    "summary" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "document_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_contents" (
    "document_id" UUID NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "document_contents_pkey" PRIMARY KEY ("document_id")
);

-- CreateTable
CREATE TABLE "checkpoints" (
    "id" UUID NOT NULL,
    "document_id" UUID NOT NULL,
    "stage" "Stage" NOT NULL,
    "status" "CheckpointStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "pages_done" INTEGER NOT NULL DEFAULT 0,
    "pages_total" INTEGER,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "duration_ms" INTEGER,
    "output" JSONB,
    "warnings" TEXT[],
    "error_code" TEXT,
    "error_message" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pages" (
    "document_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "width" DOUBLE PRECISION,
    "height" DOUBLE PRECISION,
    "dpi_used" INTEGER,
    "image" BYTEA,
    "text_items" JSONB,
    "text" TEXT,
    "ocr" BOOLEAN NOT NULL DEFAULT false,
    "markdown" TEXT,
    "cleaned" TEXT,

    CONSTRAINT "pages_pkey" PRIMARY KEY ("document_id","number")
);

-- CreateTable
CREATE TABLE "chunks" (
    "document_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "token_count" INTEGER NOT NULL,
    "page_start" INTEGER NOT NULL,
    "page_end" INTEGER NOT NULL,
    "heading_path" TEXT[],
    "embedding" REAL[],

    CONSTRAINT "chunks_pkey" PRIMARY KEY ("document_id","index")
);

-- CreateTable
CREATE TABLE "citation_edges" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "from_document_id" UUID NOT NULL,
    "to_document_id" UUID NOT NULL,
    "reference_index" INTEGER NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "matched_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "citation_edges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_idx" ON "api_keys"("user_id");

-- CreateIndex
CREATE INDEX "batch_jobs_user_id_created_at_id_idx" ON "batch_jobs"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "document_jobs_batch_id_idx" ON "document_jobs"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "checkpoints_document_id_stage_key" ON "checkpoints"("document_id", "stage");

-- CreateIndex
CREATE INDEX "citation_edges_batch_id_idx" ON "citation_edges"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "citation_edges_from_document_id_reference_index_to_document_key" ON "citation_edges"("from_document_id", "reference_index", "to_document_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_jobs" ADD CONSTRAINT "document_jobs_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "batch_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_contents" ADD CONSTRAINT "document_contents_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pages" ADD CONSTRAINT "pages_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "citation_edges" ADD CONSTRAINT "citation_edges_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "batch_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "citation_edges" ADD CONSTRAINT "citation_edges_from_document_id_fkey" FOREIGN KEY ("from_document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "citation_edges" ADD CONSTRAINT "citation_edges_to_document_id_fkey" FOREIGN KEY ("to_document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
