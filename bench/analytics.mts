// Analytics on a million calls: writes N synthetic usage events (a month of traffic from many users,
// teams, keys and models) into a fresh database, rolls them up, and times the analytics API's
// queries (median of several runs) against the same questions asked of the raw events.
//
//   npx tsx bench/analytics.mts [--db sqlite|postgres] [--events 1000000]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createTestDatabase, type DatabaseKind } from "../test/helpers/database";
import { syntheticUsage } from "../test/helpers/usage-events";

const { values } = parseArgs({ options: { db: { type: "string", default: "sqlite" }, events: { type: "string", default: "1000000" } } });
const kind = values.db as DatabaseKind;
const total = Number(values.events);

const database = await createTestDatabase(kind);
Object.assign(process.env, { DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "silent" });
const [{ db }, { prepare }, { writeUsageBatch }, { rollUp }, analytics] = await Promise.all([
  import("../lib/db/client"),
  import("../lib/boot"),
  import("../lib/billing/usage-writer"),
  import("../lib/billing/rollups"),
  import("../lib/analytics/usage"),
]);
await prepare();

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
// a large company's month: 300 keys of 200 people in 20 teams (some in none), 12 models
const shape = { keys: names("key", 300), users: names("user", 200), teams: [null, ...names("team", 20)], models: names("model", 12) };
const from = new Date(Date.UTC(2026, 9, 1));
const to = new Date(Date.UTC(2026, 10, 1));
const spanMinutes = 31 * 24 * 60;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

async function median(run: () => Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(run))[1]);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const CHUNK = 10_000;
const [, writeMs] = await timed(async () => {
  for (let offset = 0; offset < total; offset += CHUNK) {
    await writeUsageBatch(syntheticUsage({ count: Math.min(CHUNK, total - offset), offset, from, spanMinutes, ...shape }));
  }
});
// as if each event had been written when it happened, so the incremental run below sees only new ones
await db().$executeRawUnsafe(`UPDATE "UsageEvent" SET "createdAt" = "startedAt"`);
const [hours, rollupMs] = await timed(() => rollUp());
await writeUsageBatch(syntheticUsage({ count: 1000, offset: total, from: new Date(to.getTime() - 3_600_000), spanMinutes: 60, ...shape }));
const [, incrementalMs] = await timed(() => rollUp());
const rollupRows = await db().usageRollup.count();

const range = { from, to, bucket: "day" as const };
const week = { from: new Date(Date.UTC(2026, 9, 20)), to: new Date(Date.UTC(2026, 9, 27)), bucket: "hour" as const };
const calls = analytics.callsQuerySchema.parse({ from, to, userId: "user-7", sort: "costNanoUsd" });
const queries: Array<[string, () => Promise<unknown>]> = [
  ["month, daily series + totals", () => analytics.usageSeries(range)],
  ["week, hourly series by model", () => analytics.usageSeries({ ...week, groupBy: "model" })],
  ["month, breakdown by user", () => analytics.usageBreakdown({ ...range, groupBy: "user" })],
  ["month, one team by day and model", () => analytics.usageSeries({ ...range, teamId: "team-3", groupBy: "model" })],
  ["month, showback per team", () => analytics.showback("2026-10")],
  ["calls of one user by cost, page 1", () => analytics.listCalls(calls)],
  ["raw events: month by model (no rollups)", () => db().usageEvent.groupBy({ by: ["requestedModel"], where: { startedAt: { gte: from, lt: to } }, _count: { _all: true }, _sum: { costNanoUsd: true } })],
];

console.log(`${kind}: ${total.toLocaleString("en")} events written in ${seconds(writeMs)} (${Math.round(total / (writeMs / 1000)).toLocaleString("en")}/s)`);
console.log(`rollup from scratch: ${hours} hour buckets, ${rollupRows.toLocaleString("en")} rollup rows, ${seconds(rollupMs)}; incremental (1,000 new events): ${Math.round(incrementalMs)} ms`);
for (const [label, run] of queries) console.log(`  ${label.padEnd(42)} ${(await median(run)).toFixed(1)} ms`);

await db().$disconnect();
await database.drop();
