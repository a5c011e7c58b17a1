import { databaseKind } from "../env";
import { log } from "../log";
import { redisEnabled } from "../redis";
import { db } from "../db/client";
import { gauge } from "../metrics";
import { reserveInDatabase, type HoldRefusal, type HoldRequest, type Settlement } from "./holds";
import { memoryHoldCount, memoryPots } from "./holds-memory";
import { reserveInRedis, restoreInRedis, settleInRedis } from "./holds-redis";

// Where a call's holds are kept — decided here and nowhere else: in Redis when the hub has it (every
// process shares them, holds-redis.ts); in this process on SQLite, which one server process writes
// (holds-memory.ts); otherwise in the database (Postgres without Redis, any number of processes: a
// guarded UPDATE per call, holds.ts).

export type HoldBackend = "redis" | "memory" | "database";

export const holdBackend = (): HoldBackend => (redisEnabled() ? "redis" : databaseKind() === "sqlite" ? "memory" : "database");

/** Places every hold of a call, or none; the refusal when a pot cannot cover its hold. */
export function placeHolds(request: HoldRequest): Promise<HoldRefusal | null> {
  const backend = holdBackend();
  if (backend === "memory") return memoryPots().reserve(request);
  return backend === "redis" ? reserveInRedis(request) : reserveInDatabase(request);
}

/**
 * Makes sure the holds of a call that outlives its process (a video job) are still placed: a restart
 * empties this process's memory, and a Redis that restarted empty forgets them too. The database
 * keeps its holds as rows, so there they are there already.
 */
export async function restoreHolds(request: HoldRequest): Promise<void> {
  const backend = holdBackend();
  if (backend === "memory") await memoryPots().restore(request);
  if (backend === "redis") await restoreInRedis(request);
}

/**
 * A call has ended: its holds kept outside the database are released and its real amounts applied
 * there at once. The database books the amounts (and releases its own holds) with the usage write.
 */
export function releaseHolds(s: Settlement, creditHeld: boolean): void {
  const backend = holdBackend();
  if (backend === "memory") memoryPots().settle(s, creditHeld);
  if (backend === "redis") {
    settleInRedis(s, creditHeld).catch((e: Error) => log.error({ requestId: s.requestId, err: e.message }, "could not settle holds in Redis"));
  }
}

/** The usage write of these settlements committed (this process wrote it). */
export function settlementsWritten(settlements: Settlement[]): void {
  if (holdBackend() === "memory") memoryPots().written(settlements);
}

gauge({
  name: "hub_reservation_holds",
  help: "Credit and budget holds of calls in flight (database holds of all processes, and this process's in-memory holds)",
  async collect() {
    this.set((await db().reservation.count()) + memoryHoldCount());
  },
});
