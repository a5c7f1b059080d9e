import type { Stage } from "../generated/prisma/enums.ts";

/** Every stage, in the order a document goes through them. */
export const STAGES: readonly Stage[] = [
  "VALIDATE",
  "RENDER",
  "EXTRACT",
  "PARSE",
  "CLEAN",
  "SUMMARIZE",
  "CHUNK",
  "EMBED",
  "CITATIONS",
];

/** Stages that work page by page and checkpoint each page. */
export const PAGE_STAGES: ReadonlySet<Stage> = new Set<Stage>(["RENDER", "EXTRACT", "PARSE", "CLEAN"]);

/**
 * Stages a later stage reads from. Asking for a subset (`stages: [CHUNK]`) still runs what
 * CHUNK needs; VALIDATE always runs, because nothing may touch an unchecked file.
 */
const NEEDS: Record<Stage, Stage[]> = {
  VALIDATE: [],
  RENDER: ["VALIDATE"],
  EXTRACT: ["VALIDATE"],
  PARSE: ["EXTRACT"],
  CLEAN: ["PARSE"],
  SUMMARIZE: ["CLEAN"],
  CHUNK: ["CLEAN"],
  EMBED: ["CHUNK"],
  CITATIONS: ["CLEAN"],
};

/** The requested stages plus everything they depend on, in pipeline order. */
export function expandStages(requested: readonly Stage[] | undefined): Stage[] {
  if (!requested || requested.length === 0) return [...STAGES];
  const wanted = new Set<Stage>(["VALIDATE"]);
  const visit = (stage: Stage): void => {
    if (wanted.has(stage) && stage !== "VALIDATE") return;
    wanted.add(stage);
    for (const need of NEEDS[stage]) visit(need);
  };
  for (const stage of requested) visit(stage);
  return STAGES.filter((stage) => wanted.has(stage));
}
