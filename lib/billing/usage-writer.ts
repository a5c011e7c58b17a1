import { alertOnMoves } from "./alerts";
import { rechargeOnMoves } from "./auto-recharge";
import { settleMany, type Moves, type Settlement } from "./holds";
import type { Tx } from "../db/client";
import { insertNew } from "../db/insert-new";
import { uuidv7 } from "../ids";
import { transaction } from "../db/transaction";
import { enqueueWithin } from "../jobs/hand-over";
import { toWire } from "../jobs/wire";
import { settlementsWritten } from "./hold-backend";
import { redisEnabled } from "../redis";
import { databaseKind, env } from "../env";
import { log } from "../log";
import { gauge } from "../metrics";
import { processSingleton } from "../singleton";
import { lifecycle } from "../lifecycle";

// Usage events leave the hot path: calls push them here and a timer writes them in batches
// (createMany) at least every HUB_USAGE_FLUSH_MS. A failed write keeps the batch for the next
// attempt; shutdown flushes whatever is left. With Redis the batches go to the worker's queue; while
// the queue cannot be reached this process writes them itself (a batch the queue delivers later as
// well is skipped by the worker: events are written once per request id).

export interface UsageEventData {
  requestId: string;
  endpoint: string;
  stream: boolean;
  apiKeyId: string | null;
  userId: string | null;
  teamId: string | null;
  requestedModel: string;
  modelId: string | null;
  providerId: string | null;
  providerName: string | null;
  credentialId: string | null;
  deploymentId: string | null;
  attempts: number;
  upstreamModel: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  images: number;
  audioMs: number;
  characters: number;
  videoMs: number;
  usageSource: "upstream" | "estimated";
  costNanoUsd: bigint;
  chargeMicrocredits: bigint;
  latencyMs: number;
  ttfbMs: number | null;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: Date;
  /** answered from the response cache (not set: it was not) */
  cacheHit?: boolean;
}

const BATCH = 500;

/**
 * Writes a batch of usage events and settles their holds, all or nothing (the usage.write job); then
 * alerts on the thresholds the committed batch crossed.
 */
export async function writeUsageBatch(batch: Queued[]): Promise<void> {
  const moves = await transaction((tx) => writeBatch(tx, batch));
  await alertOnMoves(moves);
  await rechargeOnMoves(moves.balances);
}
const COLUMNS = [
  "id", "requestId", "endpoint", "stream", "apiKeyId", "userId", "teamId", "requestedModel", "modelId", "providerId", "providerName",
  "credentialId", "deploymentId", "attempts", "upstreamModel", "promptTokens", "completionTokens", "cachedTokens", "cacheWriteTokens",
  "reasoningTokens", "images", "usageSource", "costNanoUsd", "chargeMicrocredits", "latencyMs", "ttfbMs", "status", "errorCode",
  "errorMessage", "startedAt", "audioMs", "characters", "videoMs", "cacheHit", "createdAt",
] as const satisfies ReadonlyArray<"id" | "createdAt" | keyof UsageEventData>;

export interface Queued {
  event: UsageEventData;
  settlement: Settlement | null;
}

/**
 * Raw inserts (insertNew), not Prisma's createMany (~0.7 ms of main-thread CPU per row). Events
 * already written (a retried batch) are skipped; the holds of the new ones are settled in the same
 * transaction, so an event and its charge are written together or not at all.
 */
async function writeBatch(tx: Tx, batch: Queued[]): Promise<Moves> {
  const moves: Moves = { balances: [], spending: [] };
  const step = databaseKind() === "sqlite" ? SQLITE_ROWS_PER_TURN : batch.length;
  for (let at = 0; at < batch.length; at += step) {
    if (at > 0) await nextTurn();
    const { balances, spending } = await writeRows(tx, batch.slice(at, at + step));
    moves.balances.push(...balances);
    moves.spending.push(...spending);
  }
  return moves;
}

// On SQLite 100 rows at a time, and the event loop gets a turn in between: each statement runs
// synchronously on the server's main thread, and a transaction's statements, chained through promises
// alone, would hold it for the whole batch — a stall every call in flight waits out. Postgres answers
// asynchronously: the whole batch goes in one round of statements (each one costs the worker more than
// its rows do).
const SQLITE_ROWS_PER_TURN = 100;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function writeRows(tx: Tx, batch: Queued[]): Promise<Moves> {
  const now = new Date();
  const rows = batch.map(({ event }) => {
    const values: Record<(typeof COLUMNS)[number], unknown> = { cacheHit: false, ...event, id: uuidv7(), createdAt: now };
    return COLUMNS.map((column) => values[column]);
  });
  const fresh = await insertNew(tx, "UsageEvent", COLUMNS, "requestId", rows);
  const moves = await settleMany(
    tx,
    batch.flatMap(({ event, settlement }) => (settlement && fresh.has(event.requestId) ? [settlement] : [])),
  );
  await touchKeys(tx, batch);
  return moves;
}

// lastUsedAt is for people, not billing: each process writes it at most once per key per interval
const KEY_TOUCH_INTERVAL_MS = 30_000;
const touchedAt = new Map<string, number>();

async function touchKeys(tx: Tx, batch: Queued[]): Promise<void> {
  const latest = new Map<string, Date>();
  for (const { event } of batch) {
    if (event.apiKeyId && (latest.get(event.apiKeyId)?.getTime() ?? 0) < event.startedAt.getTime()) latest.set(event.apiKeyId, event.startedAt);
  }
  const now = Date.now();
  // bounded: a process serving many keys forgets the oldest and at worst writes one extra time
  if (touchedAt.size > 10_000) touchedAt.clear();
  for (const [id, at] of latest) {
    if (now - (touchedAt.get(id) ?? 0) < KEY_TOUCH_INTERVAL_MS) continue;
    const stale = new Date(at.getTime() - KEY_TOUCH_INTERVAL_MS);
    await tx.apiKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] }, data: { lastUsedAt: at } });
    touchedAt.set(id, now);
  }
}

class UsageWriter {
  private pending: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private queueDown = false;

  push(event: UsageEventData, settlement: Settlement | null = null): void {
    this.pending.push({ event, settlement });
    this.start();
  }

  get backlog(): number {
    return this.pending.length;
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), env().HUB_USAGE_FLUSH_MS);
    this.timer.unref();
    lifecycle.onShutdown("usage-writer", () => this.close());
  }

  /** Writes everything queued so far; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.slice(0, BATCH);
      try {
        // with Redis the worker writes (no database write in the request path); else this process does
        if (!redisEnabled() || !(await this.enqueue(batch))) {
          await writeUsageBatch(batch);
          settlementsWritten(batch.flatMap((queued) => (queued.settlement ? [queued.settlement] : [])));
        }
      } catch (error) {
        log.error({ err: (error as Error).message, queued: this.pending.length }, "writing usage events failed; will retry");
        return;
      }
      this.pending.splice(0, batch.length);
    }
  }

  /** Hands a batch to the queue; false when the queue is down or did not take it in time. */
  private async enqueue(batch: Queued[]): Promise<boolean> {
    const taken = await enqueueWithin("usage.write", toWire(batch));
    if (taken === this.queueDown) {
      this.queueDown = !taken;
      if (this.queueDown) log.warn("the job queue is unreachable; this process writes usage events directly until it is back");
      else log.info("the job queue is back; usage events go to the worker again");
    }
    return taken;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // retry a few times: a transient database error must not lose the last events
    for (let attempt = 0; attempt < 5 && this.pending.length; attempt++) {
      await this.flush();
      if (this.pending.length) await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    if (this.pending.length) log.error({ lost: this.pending.length }, "could not write usage events before exit");
  }
}

export const usageWriter = processSingleton("usage-writer", () => new UsageWriter());

gauge({
  name: "hub_usage_queue_depth",
  help: "Usage events waiting to be written",
  collect() {
    this.set(usageWriter.backlog);
  },
});
