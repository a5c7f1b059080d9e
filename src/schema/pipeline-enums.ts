import { BatchStatus, CheckpointStatus, DocumentStatus, ErrorStrategy, Priority, Stage } from "../generated/prisma/enums.ts";
import { builder } from "./builder.ts";

export const BatchStatusEnum = builder.enumType("BatchStatus", { values: Object.values(BatchStatus) });
export const DocumentStatusEnum = builder.enumType("DocumentStatus", { values: Object.values(DocumentStatus) });
export const StageEnum = builder.enumType("Stage", { values: Object.values(Stage) });
export const StageStatusEnum = builder.enumType("StageStatus", { values: Object.values(CheckpointStatus) });
export const ErrorStrategyEnum = builder.enumType("ErrorStrategy", { values: Object.values(ErrorStrategy) });
export const PriorityEnum = builder.enumType("Priority", { values: Object.values(Priority) });
