import { db } from "../db/client";
import { SqlParams } from "../db/sql";
import { env } from "../env";
import { enqueueWithin } from "../jobs/hand-over";
import { toWire } from "../jobs/wire";
import { lifecycle } from "../lifecycle";
import { log } from "../log";
import { redisEnabled } from "../redis";
import { settings } from "../settings";
import { processSingleton } from "../singleton";
import { storedBody, type CapturedBodies } from "./bodies";
import { redactor } from "./redact";

// Logged bodies leave the request path like usage events: a call that finishes hands its captured
// bodies here, and a timer redacts, cuts and writes them in batches (with Redis, through the worker's
// "logs.write" job). Redaction happens before the rows leave this process, so no queue ever holds
// an unredacted body.

export const LOGS_WRITE_JOB = "logs.write";

export interface CallBodyOwner {
  requestId: string;
  apiKeyId: string | null;
  userId: string | null;
  teamId: string | null;
  startedAt: Date;
}

export interface CallBodyRow {
  requestId: string;
  apiKeyId: string | null;
  userId: string | null;
  teamId: string | null;
  request: string;
  response: string | null;
  truncated: boolean;
  createdAt: Date;
  expiresAt: Date;
}

const BATCH = 200;
// bodies waiting while the database is down are held in memory: past this many a new one is dropped
// (counted and logged) rather than the process running out of memory; usage is metered apart from them
const MAX_PENDING = 5000;
const DAY_MS = 86_400_000;
const COLUMNS = ["requestId", "apiKeyId", "userId", "teamId", "request", "response", "truncated", "createdAt", "expiresAt"] as const satisfies ReadonlyArray<keyof CallBodyRow>;

/** Writes redacted bodies; a body already written (a retried batch) is left as it is. */
export async function writeCallBodies(rows: CallBodyRow[]): Promise<void> {
  if (!rows.length) return;
  const params = new SqlParams();
  const values = rows.map((row) => params.list(COLUMNS.map((column) => row[column])));
  await db().$executeRawUnsafe(
    `INSERT INTO "CallBody" (${COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${values.join(",")} ON CONFLICT ("requestId") DO NOTHING`,
    ...params.values,
  );
}

/** Deletes bodies past their retention (the logs.retention job). */
export async function pruneCallBodies(now = new Date()): Promise<number> {
  const { count } = await db().callBody.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}

async function toRows(pending: Array<{ owner: CallBodyOwner; bodies: CapturedBodies }>): Promise<CallBodyRow[]> {
  const { logRedactPatterns, logBodiesRetentionDays } = await settings();
  const redact = redactor(logRedactPatterns);
  const max = env().HUB_LOG_MAX_BODY_BYTES;
  return pending.map(({ owner, bodies }) => {
    const request = storedBody(bodies.request, redact, max);
    const response = bodies.response === undefined ? null : storedBody(bodies.response, redact, max);
    return {
      requestId: owner.requestId,
      apiKeyId: owner.apiKeyId,
      userId: owner.userId,
      teamId: owner.teamId,
      request: request.text,
      response: response?.text ?? null,
      truncated: request.truncated || (response?.truncated ?? false),
      createdAt: owner.startedAt,
      expiresAt: new Date(owner.startedAt.getTime() + logBodiesRetentionDays * DAY_MS),
    };
  });
}

class BodyWriter {
  private pending: Array<{ owner: CallBodyOwner; bodies: CapturedBodies }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  /** Takes a finished call's bodies; never throws and never waits, so a call cannot fail or stall on its log. */
  push(owner: CallBodyOwner, bodies: CapturedBodies): void {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push({ owner, bodies });
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), env().HUB_USAGE_FLUSH_MS);
    this.timer.unref();
    lifecycle.onShutdown("body-writer", () => this.close());
  }

  flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    if (this.dropped) {
      log.warn({ dropped: this.dropped }, "call bodies dropped: too many were waiting to be written");
      this.dropped = 0;
    }
    while (this.pending.length) {
      const batch = this.pending.slice(0, BATCH);
      try {
        const rows = await toRows(batch);
        // with Redis the worker writes; a queue that is down, refuses the batch or is slow leaves it to this process
        const queued = redisEnabled() && (await enqueueWithin(LOGS_WRITE_JOB, toWire(rows)));
        if (!queued) await writeCallBodies(rows);
      } catch (error) {
        log.error({ err: (error as Error).message, queued: this.pending.length }, "writing call bodies failed; will retry");
        return;
      }
      this.pending.splice(0, batch.length);
    }
  }

  private async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.length) log.error({ lost: this.pending.length }, "could not write call bodies before exit");
  }
}

export const bodyWriter = processSingleton("body-writer", () => new BodyWriter());
