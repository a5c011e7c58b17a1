import { createHash } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { log } from "./log";
import { processSingleton } from "./singleton";

// Two kinds of Redis connection. Queues (BullMQ) want commands to wait through a reconnect; the
// request path (holds, rate limits) wants a fast failure instead of a hanging call. Both reconnect by
// themselves after an outage.

export const redisEnabled = () => Boolean(env().REDIS_URL);

/** Redis cannot be reached: callers fall back (rate limits, usage writes) or refuse clearly (holds). */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

// by name, not instanceof: Next's routes and the hub's server (dist/gateway.mjs) are separate module
// graphs, so the class can exist twice in one process
export const isRedisUnavailable = (error: unknown) => (error as Error | undefined)?.name === "RedisUnavailableError";

// one line per connection per outage, not one per reconnect attempt
function reportErrors(redis: Redis, name: string): void {
  let reported = false;
  redis.on("error", (error: Error) => {
    if (reported) return;
    reported = true;
    log.warn({ connection: name, err: error.message }, "Redis unreachable; reconnecting");
  });
  redis.on("ready", () => {
    if (reported) log.info({ connection: name }, "Redis reachable again");
    reported = false;
  });
}

function connect(name: string, options: RedisOptions): Redis {
  const redis = new Redis(env().REDIS_URL!, { lazyConnect: false, ...options });
  reportErrors(redis, name);
  return redis;
}

/** For BullMQ queues and workers. */
export const queueConnection = () => processSingleton("redis-queue", () => connect("queue", { maxRetriesPerRequest: null }));

const FIRST_CONNECT_MS = 2000;

/**
 * For the request path: no offline queue and one retry, so an outage answers in milliseconds. Without
 * an offline queue a command sent before the first connect fails, so a connection still being made
 * is waited for (briefly); one that is down throws RedisUnavailableError at once.
 */
export async function fastRedis(): Promise<Redis> {
  const redis = processSingleton("redis-fast", () => connect("request path", { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: FIRST_CONNECT_MS, enableAutoPipelining: true }));
  if (redis.status === "ready") return redis;
  if (redis.status === "connecting" || redis.status === "connect" || redis.status === "wait") {
    const ready = await new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        redis.off("ready", onReady);
        redis.off("error", onError);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onError = () => done(false);
      const timer = setTimeout(() => done(false), FIRST_CONNECT_MS);
      redis.once("ready", onReady);
      redis.once("error", onError);
    });
    if (ready) return redis;
  }
  throw new RedisUnavailableError(`Redis is not reachable (${redis.status})`);
}

/**
 * Runs commands on the request-path connection. A connection failure becomes RedisUnavailableError;
 * an error Redis itself answered (a script's) stays what it is.
 */
export async function withRedis<T>(run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = await fastRedis();
  try {
    return await run(redis);
  } catch (error) {
    if ((error as Error).name === "ReplyError") throw error;
    throw new RedisUnavailableError(`Redis is not reachable: ${(error as Error).message}`, { cause: error });
  }
}

const scriptShas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA (EVALSHA), loading it with EVAL only when Redis does not know it yet
 * (first use, or after a restart): the hot path sends a 40-byte hash, not the script's text.
 */
export async function runScript(redis: Redis, script: string, keys: string[], args: string[]): Promise<unknown> {
  let sha = scriptShas.get(script);
  if (!sha) {
    sha = createHash("sha1").update(script).digest("hex");
    scriptShas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error as Error).message?.startsWith("NOSCRIPT")) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
