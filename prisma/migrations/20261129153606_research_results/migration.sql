-- CreateTable
CREATE TABLE "paper_metadata" (
    "document_id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "title" TEXT,
    "authors" TEXT[],
    "year" INTEGER,
    "doi" TEXT,
    "arxiv_id" TEXT,
    "venue" TEXT,

    CONSTRAINT "paper_metadata_pkey" PRIMARY KEY ("document_id")
);

-- CreateTable
CREATE TABLE "paper_references" (
    "document_id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "raw" TEXT NOT NULL,
    "title" TEXT,
    "authors" TEXT[],
    "year" INTEGER,
    "doi" TEXT,
    "arxiv_id" TEXT,
    "venue" TEXT,

    CONSTRAINT "paper_references_pkey" PRIMARY KEY ("document_id","index")
);

-- CreateTable
CREATE TABLE "entity_mentions" (
    "document_id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "page" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "acronym" TEXT,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "entity_mentions_pkey" PRIMARY KEY ("document_id","page","text")
);

-- CreateIndex
CREATE INDEX "paper_metadata_batch_id_idx" ON "paper_metadata"("batch_id");

-- CreateIndex
CREATE INDEX "paper_references_batch_id_idx" ON "paper_references"("batch_id");

-- CreateIndex
CREATE INDEX "entity_mentions_batch_id_idx" ON "entity_mentions"("batch_id");

-- AddForeignKey
ALTER TABLE "paper_metadata" ADD CONSTRAINT "paper_metadata_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "paper_references" ADD CONSTRAINT "paper_references_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "entity_mentions" ADD CONSTRAINT "entity_mentions_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "document_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
