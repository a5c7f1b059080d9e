-- Uploaded bytes move from a bytea column into PostgreSQL large objects, which can be written
-- piece by piece as an upload streams in and read by any worker process.

-- AlterTable: existing contents are copied into large objects before the column goes.
ALTER TABLE "document_contents" ADD COLUMN "large_object" OID;
UPDATE "document_contents" SET "large_object" = lo_from_bytea(0, "bytes");
ALTER TABLE "document_contents" ALTER COLUMN "large_object" SET NOT NULL,
DROP COLUMN "bytes";

-- CreateTable
CREATE TABLE "upload_staging" (
    "large_object" OID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "upload_staging_pkey" PRIMARY KEY ("large_object")
);
