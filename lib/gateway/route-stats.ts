import { processSingleton } from "../singleton";

// What the latency and least-busy strategies rank targets by (a deployment with one credential, by
// its route key), and the last routing decisions per model for the admin. Kept per process, like
// cooldowns: each process ranks by the calls it made itself, and shows its own decisions.

/** weight of the newest time to first byte in a target's average: recent calls dominate within ~5 calls */
const TTFB_ALPHA = 0.3;
export const DECISIONS_PER_MODEL = 50;

export const ROUTING_STRATEGIES = ["priority", "latency", "price", "least_busy"] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export interface DecisionCandidate {
  key: string;
  deploymentId: string | null;
  credentialId: string | null;
  providerName: string;
  upstreamModel: string;
  /** the number the strategy ranked by, as the admin reads it ("120 ms", "$2.50/1M", "3 in flight") */
  metric: string;
}

export interface RoutingDecision {
  at: Date;
  strategy: RoutingStrategy;
  /** null when no target answered */
  chosen: DecisionCandidate | null;
  /** the targets considered, in the order they were tried or would have been */
  candidates: DecisionCandidate[];
  reason: string;
}

class RouteStats {
  private ttfb = new Map<string, number>();
  private inFlight = new Map<string, number>();
  private decisions = new Map<string, RoutingDecision[]>();

  recordTtfb(key: string, ms: number): void {
    const previous = this.ttfb.get(key);
    this.ttfb.set(key, previous === undefined ? ms : previous + TTFB_ALPHA * (ms - previous));
  }

  /** The target's recent time to first byte (an exponentially weighted average, ms); undefined until measured. */
  ttfbOf(key: string): number | undefined {
    return this.ttfb.get(key);
  }

  busy(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Counts an attempt on the target until the returned release is called (once; later calls do nothing). */
  start(key: string): () => void {
    this.inFlight.set(key, this.busy(key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.busy(key) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
  }

  record(modelId: string, decision: RoutingDecision): void {
    const log = this.decisions.get(modelId) ?? [];
    log.push(decision);
    if (log.length > DECISIONS_PER_MODEL) log.shift();
    this.decisions.set(modelId, log);
  }

  /** The model's last decisions, newest first. */
  decisionsOf(modelId: string): RoutingDecision[] {
    return [...(this.decisions.get(modelId) ?? [])].reverse();
  }
}

export const routeStats = processSingleton("route-stats", () => new RouteStats());

/**
 * Items ranked by a metric, lowest first; items without one go first (`unknown: "first"`, to measure
 * them) or last. The sort is stable, so equal items keep the order they came in (the weighted round-robin's).
 */
export function rankBy<T>(items: readonly T[], metric: (item: T) => number | null | undefined, unknown: "first" | "last"): T[] {
  const known = (v: number | null | undefined): v is number => v !== null && v !== undefined;
  const edge = unknown === "first" ? -Infinity : Infinity;
  return items
    .map((item) => ({ item, value: metric(item) }))
    .sort((a, b) => (known(a.value) ? a.value : edge) - (known(b.value) ? b.value : edge) || 0)
    .map((x) => x.item);
}
