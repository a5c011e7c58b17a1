import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { processSingleton } from "./singleton";

// Two kinds of Redis connection. Queues (BullMQ) want commands to wait through a reconnect; the
// request path (holds, rate limits) wants a fast failure instead of a hanging call.

export const redisEnabled = () => Boolean(env().REDIS_URL);

function connect(options: RedisOptions): Redis {
  return new Redis(env().REDIS_URL!, { lazyConnect: false, ...options });
}

/** For BullMQ queues and workers. */
export const queueConnection = () => processSingleton("redis-queue", () => connect({ maxRetriesPerRequest: null }));

/**
 * For the request path: no offline queue and one retry, so an outage answers in milliseconds. Without
 * an offline queue a command sent before the first connect fails, so the first use waits for it.
 */
export function fastRedis(): Promise<Redis> {
  return processSingleton("redis-fast-ready", async () => {
    const redis = processSingleton("redis-fast", () => connect({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }));
    if (redis.status !== "ready") {
      await new Promise<void>((resolve, reject) => {
        redis.once("ready", resolve);
        redis.once("error", reject);
      });
    }
    return redis;
  });
}
