import { databaseKind } from "../env";
import { log } from "../log";
import { redisEnabled } from "../redis";
import { reserve, type HoldRefusal, type HoldRequest, type Settlement } from "./holds";
import { memoryPots } from "./holds-memory";
import { settleInRedis } from "./holds-redis";

// Where a call's holds are kept: in Redis when the hub has it (every process shares them); in this
// process on SQLite, which one server process writes; otherwise in the database (Postgres without
// Redis, any number of processes: a guarded UPDATE per call).

export type HoldBackend = "redis" | "memory" | "database";

export const holdBackend = (): HoldBackend => (redisEnabled() ? "redis" : databaseKind() === "sqlite" ? "memory" : "database");

/** Places every hold of a call, or none; the refusal when a pot cannot cover its hold. */
export function placeHolds(request: HoldRequest): Promise<HoldRefusal | null> {
  return holdBackend() === "memory" ? memoryPots().reserve(request) : reserve(request);
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
