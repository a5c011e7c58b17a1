import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { METERED_MODELS, syntheticUsage } from "../helpers/usage-events";

// The background jobs against the real database: rollups, expired holds, retention, and the
// in-process runner used without Redis.

let database: TestDatabase;
let lib: Awaited<ReturnType<typeof load>>;

async function load() {
  const [{ db }, boot, writer, rollups, holds, users, credits, jobsModule] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/boot"),
    import("@/lib/billing/usage-writer"),
    import("@/lib/billing/rollups"),
    import("@/lib/billing/holds"),
    import("@/lib/admin/users"),
    import("@/lib/admin/credits"),
    import("@/lib/jobs"),
  ]);
  return { db: db(), ...boot, ...writer, ...rollups, ...holds, ...users, ...credits, ...jobsModule };
}

beforeAll(async () => {
  database = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "silent" });
  lib = await load();
  await lib.prepare();
});

afterAll(async () => {
  await lib?.db.$disconnect();
  await database?.drop();
});

const HOUR = 3_600_000;
const base = Date.UTC(2026, 9, 1, 0, 0, 0);
// spread over three days, a few calls an hour; chat models, and models metered in audio, characters, images and video
const MODELS = ["gpt-4o-mini", "claude-sonnet", "gemini-flash", ...Object.keys(METERED_MODELS)];
const generated = (count: number, offset = 0) => syntheticUsage({ count, offset, from: new Date(base), spanMinutes: 72 * 60, models: MODELS });

async function expectRollupsMatchRawEvents() {
  const raw = await lib.db.usageEvent.groupBy({
    by: ["requestedModel"],
    _count: { _all: true },
    _sum: { promptTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMs: true, images: true, audioMs: true, characters: true, videoMs: true },
  });
  const errors = await lib.db.usageEvent.groupBy({ by: ["requestedModel"], where: { status: { gte: 400 } }, _count: { _all: true } });
  for (const period of ["hour", "day"]) {
    const rolled = await lib.db.usageRollup.groupBy({
      by: ["model"],
      where: { period },
      _sum: { calls: true, errors: true, promptTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMsSum: true, images: true, audioMs: true, characters: true, videoMs: true },
    });
    expect(
      rolled
        .map((r) => [
          r.model,
          r._sum.calls,
          r._sum.errors,
          Number(r._sum.promptTokens),
          r._sum.costNanoUsd,
          r._sum.chargeMicrocredits,
          Number(r._sum.latencyMsSum),
          Number(r._sum.images),
          Number(r._sum.audioMs),
          Number(r._sum.characters),
          Number(r._sum.videoMs),
        ])
        .sort(),
    ).toEqual(
      raw
        .map((r) => [
          r.requestedModel,
          r._count._all,
          errors.find((e) => e.requestedModel === r.requestedModel)?._count._all ?? 0,
          r._sum.promptTokens,
          r._sum.costNanoUsd,
          r._sum.chargeMicrocredits,
          r._sum.latencyMs,
          r._sum.images,
          r._sum.audioMs,
          r._sum.characters,
          r._sum.videoMs,
        ])
        .sort(),
    );
  }
}

describe("rollups", () => {
  it("match the raw events by every dimension, hourly and daily", async () => {
    await lib.writeUsageBatch(generated(1500));
    const rebuilt = await lib.rollUp();
    expect(rebuilt).toBeGreaterThan(60);
    await expectRollupsMatchRawEvents();
    // the models metered in other units have them summed, not zero
    const units = await lib.db.usageRollup.groupBy({ by: ["model"], where: { period: "day", model: { in: Object.keys(METERED_MODELS) } }, _sum: { images: true, audioMs: true, characters: true, videoMs: true } });
    expect(Object.fromEntries(units.map((u) => [u.model, [u._sum.audioMs! > 0n, u._sum.characters! > 0n, u._sum.images! > 0n, u._sum.videoMs! > 0n]]))).toEqual({
      "whisper-1": [true, false, false, false],
      "tts-1": [false, true, false, false],
      "dall-e-3": [false, false, true, false],
      "sora-2": [false, false, false, true],
    });
    // one hour, one user, one key: the bucket holds exactly that hour's calls
    const hour = new Date(base + 5 * HOUR);
    const inHour = await lib.db.usageEvent.count({ where: { startedAt: { gte: hour, lt: new Date(hour.getTime() + HOUR) }, userId: "user-1", apiKeyId: "key-1" } });
    const bucket = await lib.db.usageRollup.aggregate({ where: { period: "hour", bucketStart: hour, userId: "user-1", apiKeyId: "key-1" }, _sum: { calls: true } });
    expect(bucket._sum.calls ?? 0).toBe(inHour);
  });

  it("take in events written late for old hours, and a rerun changes nothing", async () => {
    await lib.writeUsageBatch(generated(300, 5000));
    await lib.rollUp();
    await expectRollupsMatchRawEvents();
    const before = await lib.db.usageRollup.count();
    expect(await lib.rollUp()).toBeGreaterThanOrEqual(0);
    expect(await lib.db.usageRollup.count()).toBe(before);
    await expectRollupsMatchRawEvents();
  });

  it("retention deletes old events and keeps their rollups", async () => {
    const rollups = await lib.db.usageRollup.count();
    const deleted = await lib.pruneUsage(30, new Date(base + 33 * 24 * HOUR));
    expect(deleted).toBeGreaterThan(0);
    expect(await lib.db.usageEvent.count({ where: { startedAt: { lt: new Date(base + 3 * 24 * HOUR) } } })).toBe(0);
    expect(await lib.db.usageRollup.count()).toBe(rollups);
  });
});

describe("holds of calls that never finished", () => {
  it("are released when they expire, and a late settlement still books the charge once", async () => {
    const user = await lib.createUser({ email: "held@test.local", role: "member" }, "test");
    const { accountId } = await lib.grantCredits({ userEmail: "held@test.local", amount: "100" }, "test");
    const requestId = randomUUID();
    expect(await lib.reserveInDatabase({ requestId, credit: { accountId, microcredits: 40_000_000n }, budgets: [], expiresAt: new Date(Date.now() - 1000) })).toBeNull();
    expect((await lib.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).heldMicrocredits).toBe(40_000_000n);
    // a second hold that does not fit beside the first is refused
    expect(await lib.reserveInDatabase({ requestId: randomUUID(), credit: { accountId, microcredits: 70_000_000n }, budgets: [], expiresAt: new Date(Date.now() + 60_000) })).toEqual({ pot: "credit" });

    expect(await lib.releaseExpiredHolds()).toBe(1);
    const released = await lib.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(released).toMatchObject({ heldMicrocredits: 0n, balanceMicrocredits: 100_000_000n });
    expect(await lib.db.reservation.count({ where: { requestId } })).toBe(0);

    const settlement = { requestId, accountId, chargeMicrocredits: 12_000_000n, budgets: [], costNanoUsd: 9000n, startedAt: new Date() };
    const [event] = generated(1);
    await lib.writeUsageBatch([{ event: { ...event!.event, requestId, userId: user.id }, settlement }]);
    await lib.writeUsageBatch([{ event: { ...event!.event, requestId, userId: user.id }, settlement }]);
    const account = await lib.db.creditAccount.findUniqueOrThrow({ where: { id: accountId }, include: { transactions: true } });
    expect(account).toMatchObject({ heldMicrocredits: 0n, balanceMicrocredits: 88_000_000n });
    expect(account.transactions.filter((t) => t.kind === "usage")).toHaveLength(1);
  });
});

describe("a usage batch", () => {
  it("settles set-wise: every hold released, every charge booked once, budgets spent per counter; a replay changes nothing", async () => {
    const a = await lib.grantCredits({ userEmail: (await lib.createUser({ email: "batch-a@test.local", role: "member" }, "test")).email, amount: "100" }, "test");
    const b = await lib.grantCredits({ userEmail: (await lib.createUser({ email: "batch-b@test.local", role: "member" }, "test")).email, amount: "50" }, "test");
    const team = { scope: "team" as const, scopeId: `team-${randomUUID()}`, label: "batch team", limitNanoUsd: 1_000_000n };
    const user = { scope: "user" as const, scopeId: `user-${randomUUID()}`, label: "batch user", limitNanoUsd: 1_000_000n };
    const expiresAt = new Date(Date.now() + 60_000);
    const [r1, r2, r3, r4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    expect(await lib.reserveInDatabase({ requestId: r1, credit: { accountId: a.accountId, microcredits: 10_000_000n }, budgets: [{ budget: team, nanoUsd: 50_000n }], expiresAt })).toBeNull();
    expect(await lib.reserveInDatabase({ requestId: r2, credit: { accountId: a.accountId, microcredits: 20_000_000n }, budgets: [], expiresAt })).toBeNull();
    expect(await lib.reserveInDatabase({ requestId: r3, credit: { accountId: b.accountId, microcredits: 5_000_000n }, budgets: [{ budget: user, nanoUsd: 70_000n }, { budget: team, nanoUsd: 70_000n }], expiresAt })).toBeNull();

    const startedAt = new Date();
    const settlement = (requestId: string, accountId: string, charge: bigint, costNanoUsd: bigint, budgets: Array<typeof team | typeof user>) => ({
      requestId,
      accountId,
      chargeMicrocredits: charge,
      costNanoUsd,
      startedAt,
      budgets: budgets.map(({ scope, scopeId }) => ({ scope, scopeId })),
    });
    const events = generated(5);
    const batch = [
      { event: { ...events[0]!.event, requestId: r1 }, settlement: settlement(r1, a.accountId, 3_000_000n, 30_000n, [team]) },
      { event: { ...events[1]!.event, requestId: r2 }, settlement: settlement(r2, a.accountId, 4_000_000n, 40_000n, []) },
      { event: { ...events[2]!.event, requestId: r3 }, settlement: settlement(r3, b.accountId, 1_000_000n, 10_000n, [user, team]) },
      // a call whose hold had already gone (released by reconciliation): its charge is still booked
      { event: { ...events[3]!.event, requestId: r4 }, settlement: settlement(r4, a.accountId, 2_000_000n, 20_000n, []) },
      // the same call twice in one batch counts once
      { event: { ...events[4]!.event, requestId: r2 }, settlement: settlement(r2, a.accountId, 4_000_000n, 40_000n, []) },
    ];
    const expectSettled = async () => {
      const accounts = await lib.db.creditAccount.findMany({ where: { id: { in: [a.accountId, b.accountId] } }, include: { transactions: { where: { kind: "usage" } } } });
      const byId = new Map(accounts.map((account) => [account.id, account]));
      expect(byId.get(a.accountId)).toMatchObject({ heldMicrocredits: 0n, balanceMicrocredits: 91_000_000n });
      expect(byId.get(b.accountId)).toMatchObject({ heldMicrocredits: 0n, balanceMicrocredits: 49_000_000n });
      expect(byId.get(a.accountId)!.transactions.map((t) => t.amountMicrocredits).sort((x, y) => (x < y ? -1 : 1))).toEqual([-4_000_000n, -3_000_000n, -2_000_000n]);
      expect(byId.get(b.accountId)!.transactions.map((t) => t.amountMicrocredits)).toEqual([-1_000_000n]);
      const counters = await lib.db.budgetCounter.findMany({ where: { scopeId: { in: [team.scopeId, user.scopeId] } } });
      expect(counters.map((c) => [c.scope, c.spentNanoUsd, c.heldNanoUsd]).sort()).toEqual([
        ["team", 40_000n, 0n],
        ["user", 10_000n, 0n],
      ]);
      expect(await lib.db.reservation.count({ where: { requestId: { in: [r1, r2, r3, r4] } } })).toBe(0);
      expect(await lib.db.usageEvent.count({ where: { requestId: { in: [r1, r2, r3, r4] } } })).toBe(4);
    };
    await lib.writeUsageBatch(batch);
    await expectSettled();
    await lib.writeUsageBatch(batch);
    await expectSettled();
  });
});

describe("the in-process job runner (no Redis)", () => {
  it("runs an enqueued job and retries it when it fails", async () => {
    const seen: unknown[] = [];
    lib.jobs.register([
      {
        name: "test.flaky",
        async run(payload) {
          seen.push(payload);
          if (seen.length < 2) throw new Error("first attempt fails");
        },
      },
    ]);
    await lib.jobs.enqueue("test.flaky", { n: 1 });
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(2);
    expect(seen).toEqual([{ n: 1 }, { n: 1 }]);
  });
});
