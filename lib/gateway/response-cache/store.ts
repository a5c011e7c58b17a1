import { db } from "../../db/client";
import { env } from "../../env";
import { redisEnabled, withRedis } from "../../redis";

/** Where cached answers live: Redis with REDIS_URL (it expires them itself), the database otherwise. */
export interface CacheStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

const redisKey = (key: string) => `${env().HUB_REDIS_PREFIX}:response-cache:${key}`;

const redisStore: CacheStore = {
  get: (key) => withRedis((redis) => redis.get(redisKey(key))),
  set: async (key, value, ttlMs) => {
    await withRedis((redis) => redis.set(redisKey(key), value, "PX", ttlMs));
  },
};

// one indexed read by primary key; expired rows are skipped here and deleted by the prune job
const databaseStore: CacheStore = {
  get: async (key) => {
    const row = await db().responseCacheEntry.findUnique({ where: { key }, select: { value: true, expiresAt: true } });
    return row && row.expiresAt.getTime() > Date.now() ? row.value : null;
  },
  set: async (key, value, ttlMs) => {
    const now = new Date();
    const entry = { value, bytes: Buffer.byteLength(value), hits: 0, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
    await db().responseCacheEntry.upsert({ where: { key }, create: { key, ...entry }, update: entry });
  },
};

export const cacheStore = (): CacheStore => (redisEnabled() ? redisStore : databaseStore);

/**
 * Deletes expired answers from the database, then the soonest to expire beyond HUB_RESPONSE_CACHE_MAX_ENTRIES;
 * returns how many went. (Redis expires its own.)
 */
export async function pruneResponseCache(now = new Date()): Promise<number> {
  const cache = db().responseCacheEntry;
  const expired = await cache.deleteMany({ where: { expiresAt: { lte: now } } });
  const excess = (await cache.count()) - env().HUB_RESPONSE_CACHE_MAX_ENTRIES;
  if (excess <= 0) return expired.count;
  const last = await cache.findFirst({ orderBy: { expiresAt: "asc" }, skip: excess - 1, select: { expiresAt: true } });
  const evicted = last ? await cache.deleteMany({ where: { expiresAt: { lte: last.expiresAt } } }) : { count: 0 };
  return expired.count + evicted.count;
}
