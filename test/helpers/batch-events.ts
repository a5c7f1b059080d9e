import type { PrismaClient } from "../../src/db/prisma-client.ts";
import type { EventBus } from "../../src/events/pubsub.ts";
import type { BatchStatus } from "../../src/generated/prisma/enums.ts";

const ENDED: BatchStatus[] = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

/**
 * Waits for the batch to end, on the event bus instead of polling: subscribes first, then
 * reads the status once (the batch may have ended before the subscription existed), then
 * waits for the BATCH_STATUS event that ends it. Resolves with the final status.
 */
export async function batchEnded(events: EventBus, prisma: PrismaClient, batchId: string): Promise<BatchStatus> {
  const subscription = events.subscribe("batch", batchId);
  try {
    const current = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId }, select: { status: true } });
    if (ENDED.includes(current.status)) return current.status;
    for await (const message of subscription) {
      if (message.kind === "BATCH_STATUS" && ENDED.includes(message.status as BatchStatus)) return message.status as BatchStatus;
    }
    throw new Error(`the event bus closed before batch ${batchId} ended`);
  } finally {
    await subscription.return();
  }
}
