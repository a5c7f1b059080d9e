-- CreateTable
CREATE TABLE "worker_processes" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "worker_ids" TEXT[],
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_processes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_calls" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "user_id" UUID,
    "subject_id" TEXT,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "input_tokens" INTEGER NOT NULL,
    "output_tokens" INTEGER NOT NULL,
    "cached_input_tokens" INTEGER NOT NULL,
    "cost_usd" DOUBLE PRECISION NOT NULL,
    "priced" BOOLEAN NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "cache_hit" BOOLEAN NOT NULL,
    "attempts" INTEGER NOT NULL,
    "error_code" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "provider_calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "response_cache" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "response_cache_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "worker_processes_heartbeat_at_idx" ON "worker_processes"("heartbeat_at");

-- CreateIndex
CREATE INDEX "provider_calls_user_id_started_at_idx" ON "provider_calls"("user_id", "started_at");

-- CreateIndex
CREATE INDEX "provider_calls_subject_id_idx" ON "provider_calls"("subject_id");

-- CreateIndex
CREATE INDEX "response_cache_expires_at_idx" ON "response_cache"("expires_at");
