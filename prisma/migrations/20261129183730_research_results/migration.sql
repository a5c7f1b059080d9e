-- CreateTable
CREATE TABLE "research_results" (
    "batch_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "computed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "research_results_pkey" PRIMARY KEY ("batch_id","kind")
);

-- AddForeignKey
ALTER TABLE "research_results" ADD CONSTRAINT "research_results_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "batch_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
