import { Redis } from "ioredis";
import { afterAll, beforeAll, describe } from "vitest";
import { createEventBus } from "../../../src/events/pubsub.ts";
import { describeBusContract } from "./fixtures/bus-contract.ts";
import { eventually, redisAnswers, redisTestUrl } from "./fixtures/event-test-support.ts";

const redisReachable = await redisAnswers(redisTestUrl);
if (!redisReachable) {
  console.warn(
    `Skipping the Redis event bus tests: nothing answered at ${redisTestUrl} (set REDIS_URL, or start ` +
      "one with `docker run -p 6379:6379 redis:7`).",
  );
}

describe.skipIf(!redisReachable)("redis", () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(redisTestUrl);
  });
  afterAll(async () => {
    await admin?.quit();
  });

  describeBusContract("redis pub/sub transport", () => ({
    openBus: (clientName) => createEventBus({ transport: { kind: "redis", url: redisTestUrl, clientName } }),
    async serverConnections(clientName) {
      const clients = (await admin.client("LIST")) as string;
      return clients.split("\n").filter((line) => line.includes(` name=${clientName}-`)).length;
    },
    // The library sends SUBSCRIBE without awaiting it: wait until Redis routes the topic.
    async untilSubscribed(topic) {
      await eventually(async () => {
        const [, count] = (await admin.pubsub("NUMSUB", topic)) as [string, number];
        return count > 0;
      });
    },
  }));
});
