import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { runScript } from "@/lib/redis";
import { testDatabaseKind } from "../helpers/database";
import { REDIS_URL } from "../helpers/hub-fixture";

// Lua scripts on the request path go by their SHA; the text is sent only when Redis lacks the script.

describe.runIf(testDatabaseKind() === "postgres")("Redis scripts", () => {
  const redis = new Redis(REDIS_URL);
  afterAll(() => redis.disconnect());

  const calls = async (command: "eval" | "evalsha") => {
    const stats = (await redis.info("commandstats")).split("\n").find((l) => l.startsWith(`cmdstat_${command}:`));
    return Number(/calls=(\d+)/.exec(stats ?? "")?.[1] ?? 0);
  };

  it("loads a script Redis does not know once, then runs it by its hash", async () => {
    // a script no other test runs, so the counts below are this test's
    const script = `return {KEYS[1], ARGV[1], ${Date.now()}}`;
    const [evals, evalshas] = [await calls("eval"), await calls("evalsha")];
    expect(await runScript(redis, script, ["k"], ["v"])).toEqual(["k", "v", expect.any(Number)]);
    expect(await runScript(redis, script, ["k2"], ["v2"])).toEqual(["k2", "v2", expect.any(Number)]);
    expect(await calls("eval")).toBeGreaterThanOrEqual(evals + 1);
    // the first try by hash failed (NOSCRIPT), the second succeeded
    expect(await calls("evalsha")).toBeGreaterThanOrEqual(evalshas + 2);
  });

  it("reports a script's own error as Redis's, not as a missing script", async () => {
    await expect(runScript(redis, "return redis.call('INCR', KEYS[1], 'too many')", ["x"], [])).rejects.toThrow(/wrong number of arguments|ERR/);
  });
});
