import { env } from "../env";
import { log } from "../log";
import { isRedisUnavailable, runScript, withRedis } from "../redis";
import { processSingleton } from "../singleton";
import type { HoldRefusal, HoldRequest, Settlement } from "./holds";
import { creditPot, holdPots, settlementDeltas } from "./pots";

// Holds in Redis, for deployments with REDIS_URL: no database write on the request path. Every pot
// (a credit account, or an Enterprise budget for one month) is a Redis hash {value, held}: `value`
// is the balance of a credit account, or what a budget has spent. One Lua script checks and holds
// every pot of a call atomically; another releases the holds and applies the real amounts when the
// call ends. The database ledger catches up through the usage.write job. Each hold is also recorded
// with its expiry, and expired holds (their process died) are purged before the next admission.

const RESERVE = `
local now, req, exp = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local pots = #KEYS / 3
for i = 0, pots - 1 do
  local pot, holds, amounts = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local kind, amount, limit = ARGV[4+i*3], tonumber(ARGV[5+i*3]), tonumber(ARGV[6+i*3])
  if redis.call('EXISTS', pot) == 0 then return -(i + 1) end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', now)) do
    redis.call('HINCRBY', pot, 'held', -tonumber(redis.call('HGET', amounts, id) or '0'))
    redis.call('HDEL', amounts, id)
    redis.call('ZREM', holds, id)
  end
  local value, held = tonumber(redis.call('HGET', pot, 'value')), tonumber(redis.call('HGET', pot, 'held'))
  local available = kind == 'credit' and (value - held) or (limit - value - held)
  if available < amount then return i + 1 end
end
for i = 0, pots - 1 do
  redis.call('HINCRBY', KEYS[i*3+1], 'held', ARGV[5+i*3])
  redis.call('ZADD', KEYS[i*3+2], exp, req)
  redis.call('HSET', KEYS[i*3+3], req, ARGV[5+i*3])
end
return 0
`;

const SETTLE = `
local req = ARGV[1]
for i = 0, #KEYS / 3 - 1 do
  local pot, holds, amounts = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local held = redis.call('HGET', amounts, req)
  if held then
    redis.call('HINCRBY', pot, 'held', -tonumber(held))
    redis.call('HDEL', amounts, req)
    redis.call('ZREM', holds, req)
  end
  if redis.call('EXISTS', pot) == 1 then redis.call('HINCRBY', pot, 'value', ARGV[2+i]) end
end
return 0
`;

// puts back a hold Redis lost (it restarted empty) while its job still runs; a hold it has stays as it is
const RESTORE = `
local req, exp = ARGV[1], ARGV[2]
for i = 0, #KEYS / 3 - 1 do
  local pot, holds, amounts = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  if redis.call('EXISTS', pot) == 0 then return -(i + 1) end
  if not redis.call('HGET', amounts, req) then
    redis.call('HINCRBY', pot, 'held', ARGV[3+i])
    redis.call('ZADD', holds, exp, req)
    redis.call('HSET', amounts, req, ARGV[3+i])
  end
end
return 0
`;

const INIT = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'value', ARGV[1], 'held', 0) end return 0`;
const ADD = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'value', ARGV[1]) end return 0`;

const keysOf = (pot: string) => {
  const base = `${env().HUB_REDIS_PREFIX}:pot:${pot}`;
  return [base, `${base}:holds`, `${base}:amounts`];
};

export async function reserveInRedis(request: HoldRequest): Promise<HoldRefusal | null> {
  const pots = holdPots(request);
  const keys = pots.flatMap((p) => keysOf(p.id));
  const args = [String(Date.now()), request.requestId, String(request.expiresAt.getTime()), ...pots.flatMap((p) => [p.kind, String(p.amount), String(p.limit)])];
  return withRedis(async (redis) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = Number(await runScript(redis, RESERVE, keys, args));
      if (result === 0) return null;
      if (result > 0) {
        const pot = pots[result - 1]!;
        if (pot.kind === "credit") return { pot: "credit" } as const;
        const spent = BigInt((await redis.hget(keysOf(pot.id)[0]!, "value")) ?? "0");
        return { pot: "budget", budget: pot.budget!, spentNanoUsd: spent } as const;
      }
      // a pot Redis does not know yet (first use, or Redis restarted): load it from the database
      const pot = pots[-result - 1]!;
      await runScript(redis, INIT, [keysOf(pot.id)[0]!], [String(await pot.load())]);
    }
    throw new Error("could not initialise the holds in Redis");
  });
}

/** Puts back a long-running call's holds if Redis lost them (see RESTORE). */
export async function restoreInRedis(request: HoldRequest): Promise<void> {
  const pots = holdPots(request);
  const keys = pots.flatMap((p) => keysOf(p.id));
  const args = [request.requestId, String(request.expiresAt.getTime()), ...pots.map((p) => String(p.amount))];
  await withRedis(async (redis) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = Number(await runScript(redis, RESTORE, keys, args));
      if (result === 0) return;
      const pot = pots[-result - 1]!;
      await runScript(redis, INIT, [keysOf(pot.id)[0]!], [String(await pot.load())]);
    }
    throw new Error("could not initialise the holds in Redis");
  });
}

/**
 * Pot writes Redis could not take (it was unreachable), replayed in order once it is back: a finished
 * call's charge or a top-up must reach the balance Redis admits calls against. The database ledger
 * has them either way (written with the usage event / the top-up itself).
 */
class PotReplay {
  private pending: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | undefined;

  async run(write: () => Promise<void>): Promise<void> {
    if (this.pending.length === 0) {
      try {
        return await write();
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
      }
    }
    if (this.pending.length >= 100_000) {
      log.error("too many pot writes waiting for Redis; the oldest is dropped (the pot is reloaded from the database when Redis restarts)");
      this.pending.shift();
    }
    this.pending.push(write);
    this.schedule();
  }

  get backlog(): number {
    return this.pending.length;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.drain(), 1000);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    this.timer = undefined;
    while (this.pending.length) {
      try {
        await this.pending[0]!();
      } catch (error) {
        if (isRedisUnavailable(error)) return this.schedule();
        log.error({ err: (error as Error).message }, "a pot write replayed after a Redis outage failed");
      }
      this.pending.shift();
    }
    log.info("pot writes held during a Redis outage are applied");
  }
}

export const potReplay = processSingleton("pot-replay", () => new PotReplay());

/** Releases a call's holds in Redis and applies its real charge and cost there. */
export async function settleInRedis(s: Settlement, creditHeld: boolean): Promise<void> {
  const pots = settlementDeltas(s, creditHeld);
  if (pots.length === 0) return;
  const keys = pots.flatMap((p) => keysOf(p.id));
  await potReplay.run(async () => void (await withRedis((redis) => runScript(redis, SETTLE, keys, [s.requestId, ...pots.map((p) => String(p.delta))]))));
}

/** Credits added in the database (grant, top-up) reach the Redis balance at once (or when Redis is back). */
export async function creditedInRedis(accountId: string, microcredits: bigint): Promise<void> {
  await potReplay.run(async () => void (await withRedis((redis) => runScript(redis, ADD, [keysOf(creditPot(accountId))[0]!], [String(microcredits)]))));
}
