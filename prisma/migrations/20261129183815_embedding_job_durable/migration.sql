-- AlterTable
ALTER TABLE "embedding_jobs" ADD COLUMN     "claim" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lines_done" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "upload_oid" OID;
