import { builder } from "./builder.ts";
import "./mutation-type.ts";
import "./health.ts";
import "./document.ts";
import "./batch.ts";
import "./batch-progress.ts";
import "./search.ts";
import "./generation.ts";
import "./generation-live.ts";
import "./prompt.ts";
import "./prompt-live.ts";
import "./prompt-benchmark.ts";
import "./embedding.ts";
import "./embedding-job.ts";
import "./embedding-progress.ts";
import "./usage.ts";
import "./prompt-batch-job.ts";
import "./document-research.ts";
import "./citation-network.ts";
import "./entity-cluster.ts";
import "./topic-cluster.ts";
import "./batch-report.ts";

/** The GraphQL schema of Quire, built from the type files imported above. */
export const schema = builder.toSchema({ sortSchema: true });
