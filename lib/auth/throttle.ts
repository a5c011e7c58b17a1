import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env, type Env } from "../env";
import { fastRedis, redisEnabled } from "../redis";
import { processSingleton } from "../singleton";

// Throttles for what an attacker repeats: password guesses (per account and per client address),
// self sign-ups (per address), key creation and redemption-code guesses (per user). With REDIS_URL the counters live in Redis,
// so every hub process shares them; otherwise in this process's memory. A Redis outage falls back to
// memory (per process) rather than to no limit. Callers consume BEFORE the expensive work (scrypt), so
// a throttled attempt costs a counter lookup.

export type ThrottleName = "signInAccount" | "signInAddress" | "signUpAddress" | "keyCreation" | "codeRedemption";

const SETTINGS: Record<ThrottleName, { variable: keyof Env; block: boolean }> = {
  // a guessed-at account stays closed for the whole window, however slowly the guesses come
  signInAccount: { variable: "HUB_SIGNIN_LIMIT_ACCOUNT", block: true },
  signInAddress: { variable: "HUB_SIGNIN_LIMIT_IP", block: true },
  signUpAddress: { variable: "HUB_SIGNUP_LIMIT_IP", block: false },
  keyCreation: { variable: "HUB_KEY_CREATE_LIMIT_USER", block: false },
  codeRedemption: { variable: "HUB_CODE_REDEEM_LIMIT_USER", block: false },
};

/** Refused by a throttle; retryAfterSeconds is when the next attempt may pass. */
export class Throttled extends Error {
  override name = "Throttled";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts; try again in ${waitText(retryAfterSeconds)}.`);
  }
}

/** "3 minutes", "1 minute", "40 seconds": what the neutral message says. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function options(name: ThrottleName) {
  const { variable, block } = SETTINGS[name];
  const { points, seconds } = env()[variable] as { points: number; seconds: number };
  return { points, duration: seconds, blockDuration: block ? seconds : 0 };
}

// one per process and name (Next bundles modules more than once: see lib/singleton.ts)
const memoryLimiter = (name: ThrottleName) => processSingleton(`throttle-memory-${name}`, () => new RateLimiterMemory({ ...options(name), keyPrefix: name }));

async function limiter(name: ThrottleName): Promise<RateLimiterAbstract> {
  if (!redisEnabled()) return memoryLimiter(name);
  let redis;
  try {
    redis = await fastRedis();
  } catch {
    return memoryLimiter(name);
  }
  return processSingleton(
    `throttle-redis-${name}`,
    () =>
      new RateLimiterRedis({
        ...options(name),
        storeClient: redis,
        keyPrefix: `${env().HUB_REDIS_PREFIX}:throttle:${name}`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryLimiter(name),
      }),
  );
}

/** Counts one attempt; throws Throttled when the key is over its limit (or blocked). */
export async function consume(name: ThrottleName, key: string): Promise<void> {
  try {
    await (await limiter(name)).consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new Throttled(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw error;
  }
}

/** Forgets a key's attempts (a successful sign-in clears its account's failures). */
export async function reset(name: ThrottleName, key: string): Promise<void> {
  await (await limiter(name)).delete(key);
}

/** Gives one attempt back (a successful sign-in does not count against its address). */
export async function giveBack(name: ThrottleName, key: string): Promise<void> {
  await (await limiter(name)).reward(key, 1);
}

/** An account's throttle key: the normalised email, hashed so Redis holds no addresses. */
export const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
