import { changeFeed } from "../db/change-feed";
import { existingSingleton, processSingleton } from "../singleton";
import type { HoldRefusal, HoldRequest, Settlement } from "./holds";
import { holdPots, settlementDeltas, type PotHold } from "./pots";

// Holds in this process's memory, for the embedded deployment (SQLite, no Redis): SQLite is written by
// this one server process, so its holds need not be a durable write transaction per call — that
// write was the bound of the SQLite hub's throughput (bench/README.md). The pots work as the Redis
// ones do: a value loaded from the database, the holds of calls in flight, checked and placed
// together. The database stays the ledger: charges reach it with the batched usage write.
//
// Other processes (the `hub` CLI, an operator's grant) change balances and budgets in the database
// and bump the config version; on that signal every pot is reloaded before its next use. A reload
// adds what this process settled but has not written yet, so a charge is never counted twice or lost.

interface Pot {
  value: bigint;
  held: bigint;
  holds: Map<string, { amount: bigint; expiresAt: number }>;
  /** the config generation the value was loaded in (-1: load again) */
  generation: number;
}

class MemoryPots {
  private pots = new Map<string, Pot>();
  /** settled amounts (value deltas) still in the usage writer's queue, per pot */
  private unwritten = new Map<string, bigint>();
  private loading = new Map<string, Promise<void>>();
  /** usage writes committed so far; a value read while one committed is not trusted */
  private writes = 0;

  constructor() {
    // the feed's generation is what marks values out of date; subscribing keeps it polling
    changeFeed.subscribe(() => undefined);
  }

  async reserve(request: HoldRequest): Promise<HoldRefusal | null> {
    const wanted = holdPots(request);
    for (const spec of wanted) await this.ensure(spec);
    // from here on nothing awaits: the check and the holds happen as one step
    const now = Date.now();
    for (const spec of wanted) {
      const pot = this.pots.get(spec.id)!;
      purgeExpired(pot, now);
      const available = spec.kind === "credit" ? pot.value - pot.held : spec.limit - pot.value - pot.held;
      if (available < spec.amount) return spec.kind === "credit" ? { pot: "credit" } : { pot: "budget", budget: spec.budget!, spentNanoUsd: pot.value };
    }
    for (const spec of wanted) {
      const pot = this.pots.get(spec.id)!;
      pot.held += spec.amount;
      pot.holds.set(request.requestId, { amount: spec.amount, expiresAt: request.expiresAt.getTime() });
    }
    return null;
  }

  /**
   * Puts back a hold this process lost by restarting (a video job's, which outlives its call): placed
   * whatever the pot has now, since the money was already held when the call was admitted.
   */
  async restore(request: HoldRequest): Promise<void> {
    const wanted = holdPots(request);
    for (const spec of wanted) await this.ensure(spec);
    for (const spec of wanted) {
      const pot = this.pots.get(spec.id)!;
      if (pot.holds.has(request.requestId)) continue;
      pot.held += spec.amount;
      pot.holds.set(request.requestId, { amount: spec.amount, expiresAt: request.expiresAt.getTime() });
    }
  }

  /** Releases a finished call's holds and applies what it really used. */
  settle(s: Settlement, creditHeld: boolean): void {
    for (const { id, delta } of settlementDeltas(s, creditHeld)) {
      const pot = this.pots.get(id);
      if (pot) {
        const hold = pot.holds.get(s.requestId);
        if (hold) {
          pot.held -= hold.amount;
          pot.holds.delete(s.requestId);
        }
        pot.value += delta;
      }
      // a pot loaded before the usage write must still see this delta
      if (delta !== 0n) this.unwritten.set(id, (this.unwritten.get(id) ?? 0n) + delta);
    }
  }

  /** The usage write of these settlements has committed: the database now has their amounts. */
  written(settlements: Settlement[]): void {
    this.writes++;
    for (const settlement of settlements) {
      // whether the credit was held only matters for a zero delta, which `unwritten` does not keep
      for (const { id, delta } of settlementDeltas(settlement, false)) {
        if (delta === 0n) continue;
        const left = (this.unwritten.get(id) ?? 0n) - delta;
        if (left === 0n) this.unwritten.delete(id);
        else this.unwritten.set(id, left);
      }
    }
  }

  get holdCount(): number {
    let count = 0;
    for (const pot of this.pots.values()) count += pot.holds.size;
    return count;
  }

  private async ensure(spec: PotHold): Promise<void> {
    const pot = this.pots.get(spec.id);
    if (pot && pot.generation === changeFeed.generation) return;
    let load = this.loading.get(spec.id);
    if (!load) {
      load = this.load(spec).finally(() => this.loading.delete(spec.id));
      this.loading.set(spec.id, load);
    }
    await load;
  }

  private async load(spec: PotHold): Promise<void> {
    const generation = changeFeed.generation;
    const writes = this.writes;
    const stored = await spec.load();
    let pot = this.pots.get(spec.id);
    if (!pot) {
      pot = { value: 0n, held: 0n, holds: new Map(), generation };
      this.pots.set(spec.id, pot);
    }
    pot.value = stored + (this.unwritten.get(spec.id) ?? 0n);
    // a batch that committed while the value was read may be counted twice or not at all: read again next time
    pot.generation = this.writes === writes ? generation : -1;
  }
}

function purgeExpired(pot: Pot, now: number): void {
  for (const [requestId, hold] of pot.holds) {
    if (hold.expiresAt > now) continue;
    pot.held -= hold.amount;
    pot.holds.delete(requestId);
  }
}

export const memoryPots = () => processSingleton("memory-pots", () => new MemoryPots());

/** Holds this process keeps in memory (0 where holds live elsewhere). */
export const memoryHoldCount = () => existingSingleton<MemoryPots>("memory-pots")?.holdCount ?? 0;
