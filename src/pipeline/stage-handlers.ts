import type { Stage } from "../generated/prisma/enums.ts";
import type { StageHandler } from "./stage-context.ts";
import { chunkStage } from "./stages/chunk-stage.ts";
import { citationsStage } from "./stages/citations-stage.ts";
import { cleanStage } from "./stages/clean-stage.ts";
import { embedStage } from "./stages/embed-stage.ts";
import { extractStage } from "./stages/extract-stage.ts";
import { parseStage } from "./stages/parse-stage.ts";
import { renderStage } from "./stages/render-stage.ts";
import { summarizeStage } from "./stages/summarize-stage.ts";
import { validateStage } from "./stages/validate-stage.ts";

export const STAGE_HANDLERS: Record<Stage, StageHandler> = {
  VALIDATE: validateStage,
  RENDER: renderStage,
  EXTRACT: extractStage,
  PARSE: parseStage,
  CLEAN: cleanStage,
  SUMMARIZE: summarizeStage,
  CHUNK: chunkStage,
  EMBED: embedStage,
  CITATIONS: citationsStage,
};
