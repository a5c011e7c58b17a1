import { env } from "../env";
import { log } from "../log";
import { isRedisUnavailable, redisEnabled, runScript, withRedis } from "../redis";
import { processSingleton } from "../singleton";
import { ApiError } from "../http/api-error";

// Requests and tokens per minute, per key, user and team. A sliding window over two fixed one-minute
// windows (the previous one weighted by how much of it still overlaps the last 60 s) is checked and
// counted atomically: in Redis when REDIS_URL is set (shared by every process), else in this process.
// Tokens are counted in two steps: the prompt estimate when a call is admitted, the rest when it ends.
// While Redis is unreachable each process counts on its own (limits hold per process) rather than
// refusing every call or letting every call through.

export interface Limit {
  scope: "key" | "user" | "team";
  scopeId: string;
  label: string;
  rpm: number | null;
  tpm: number | null;
}

export interface RateState {
  /** for the response headers: the tightest limit's numbers */
  headers: Record<string, string>;
  /** where to add the rest of the call's tokens when it ends */
  counted: Array<{ key: string; window: number }>;
}

const WINDOW_MS = 60_000;

/** Sliding count from two fixed windows, and ms until the current window ends. */
function sliding(previous: number, current: number, now: number): { count: number; resetMs: number } {
  const into = now % WINDOW_MS;
  return { count: previous * (1 - into / WINDOW_MS) + current, resetMs: WINDOW_MS - into };
}

interface Check {
  key: string;
  limit: number;
  add: number;
}

// ARGV: now, window, then per check: limit, add. KEYS: per check: current window key, previous window key.
const CHECK = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local into = now % 60000
local counts = {}
for i = 0, #KEYS / 2 - 1 do
  local current = tonumber(redis.call('GET', KEYS[i*2+1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[i*2+2]) or '0')
  local count = previous * (1 - into / 60000) + current
  if count + tonumber(ARGV[4+i*2]) > tonumber(ARGV[3+i*2]) and tonumber(ARGV[4+i*2]) > 0 then return {i + 1, tostring(count)} end
  counts[i + 1] = tostring(count)
end
for i = 0, #KEYS / 2 - 1 do
  redis.call('INCRBY', KEYS[i*2+1], ARGV[4+i*2])
  redis.call('PEXPIRE', KEYS[i*2+1], 130000)
end
return {0, unpack(counts)}
`;

class MemoryWindows {
  private counts = new Map<string, number>();

  check(checks: Check[], window: number, now: number): { refused: number; counts: number[] } {
    const counts = checks.map((c) => sliding(this.counts.get(`${c.key}:${window - 1}`) ?? 0, this.counts.get(`${c.key}:${window}`) ?? 0, now).count);
    const refused = checks.findIndex((c, i) => c.add > 0 && counts[i]! + c.add > c.limit);
    if (refused >= 0) return { refused: refused + 1, counts };
    for (const c of checks) this.add(`${c.key}:${window}`, c.add);
    if (this.counts.size > 100_000) this.prune(window);
    return { refused: 0, counts };
  }

  add(key: string, amount: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + amount);
  }

  private prune(window: number) {
    for (const key of this.counts.keys()) if (Number(key.slice(key.lastIndexOf(":") + 1)) < window - 1) this.counts.delete(key);
  }
}

const memory = processSingleton("rate-windows", () => new MemoryWindows());
const windowKey = (base: string, window: number) => `${env().HUB_REDIS_PREFIX}:rl:${base}:${window}`;

/** The shared windows in Redis, or null (after a warning) when Redis is unreachable. */
async function checkInRedis(checks: Check[], window: number, now: number): Promise<{ refused: number; counts: number[] } | null> {
  const keys = checks.flatMap((c) => [windowKey(c.key, window), windowKey(c.key, window - 1)]);
  try {
    const result = (await withRedis((redis) => runScript(redis, CHECK, keys, [String(now), String(window), ...checks.flatMap((c) => [String(c.limit), String(c.add)])]))) as [number, ...string[]];
    const refused = Number(result[0]);
    return { refused, counts: refused ? [] : result.slice(1).map(Number) };
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    warnFallback();
    return null;
  }
}

let lastFallbackWarning = 0;
function warnFallback(): void {
  if (Date.now() - lastFallbackWarning < 30_000) return;
  lastFallbackWarning = Date.now();
  log.warn("rate limits counted in this process while Redis is unreachable");
}

/**
 * Counts a call against every limit of its key, user and team, or throws the 429 (with Retry-After
 * and x-ratelimit-* headers) naming the limit it would break.
 */
export async function checkRateLimits(principal: { limits: Limit[] }, promptTokens: number): Promise<RateState | null> {
  const checks: Array<Check & { limit: number; kind: "requests" | "tokens"; owner: Limit }> = [];
  for (const owner of principal.limits) {
    const base = `${owner.scope}:${owner.scopeId}`;
    if (owner.rpm) checks.push({ key: `${base}:r`, limit: owner.rpm, add: 1, kind: "requests", owner });
    if (owner.tpm) checks.push({ key: `${base}:t`, limit: owner.tpm, add: Math.max(promptTokens, 1), kind: "tokens", owner });
  }
  if (checks.length === 0) return null;
  const now = Date.now();
  const window = Math.floor(now / WINDOW_MS);
  let refused: number;
  let counts: number[];
  const shared = redisEnabled() ? await checkInRedis(checks, window, now) : null;
  if (shared) ({ refused, counts } = shared);
  else ({ refused, counts } = memory.check(checks, window, now));
  const resetSeconds = Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000);
  if (refused) {
    const c = checks[refused - 1]!;
    throw new ApiError({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      message: `Rate limit of ${c.limit} ${c.kind} per minute reached for ${c.owner.scope === "key" ? "API key" : c.owner.scope} '${c.owner.label}'. Retry in ${resetSeconds} s.`,
      headers: { "retry-after": String(resetSeconds), [`x-ratelimit-limit-${c.kind}`]: String(c.limit), [`x-ratelimit-remaining-${c.kind}`]: "0", [`x-ratelimit-reset-${c.kind}`]: `${resetSeconds}s` },
    });
  }
  const headers: Record<string, string> = {};
  for (const kind of ["requests", "tokens"] as const) {
    // the tightest limit of each kind is the one a client should pace itself by
    const tightest = checks
      .map((c, i) => ({ c, remaining: Math.max(0, Math.floor(c.limit - counts[i]! - c.add)) }))
      .filter(({ c }) => c.kind === kind)
      .sort((a, b) => a.remaining - b.remaining)[0];
    if (!tightest) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(tightest.c.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(tightest.remaining);
    headers[`x-ratelimit-reset-${kind}`] = `${resetSeconds}s`;
  }
  return { headers, counted: checks.filter((c) => c.kind === "tokens").map((c) => ({ key: c.key, window })) };
}

/** Adds the tokens a call used beyond its prompt estimate, once it has ended. */
export async function countRemainingTokens(state: RateState, extraTokens: number): Promise<void> {
  if (extraTokens <= 0) return;
  if (redisEnabled()) {
    try {
      await withRedis(async (redis) => {
        for (const { key, window } of state.counted) await redis.incrby(windowKey(key, window), extraTokens);
      });
      return;
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      warnFallback();
    }
  }
  for (const { key, window } of state.counted) memory.add(`${key}:${window}`, extraTokens);
}
