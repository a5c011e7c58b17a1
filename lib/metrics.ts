import { createHash, timingSafeEqual } from "node:crypto";
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from "prom-client";
import { env } from "./env";
import { processSingleton } from "./singleton";

// Prometheus metrics of this process, scraped at /metrics. Counters move with each call's one log
// line (CallRecord) and each upstream failure; gauges are read when scraped.

/** Latency buckets (seconds) for the histograms of calls. */
export const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

function create() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "aigne-hub" });
  // memory, CPU, event-loop lag and handles of this process
  collectDefaultMetrics({ register: registry, prefix: "hub_" });
  return registry;
}

/** This process's Prometheus registry (every hub metric and the process defaults). */
export const registry = () => processSingleton("metrics", create);

// Each metric is registered by the module that owns what it measures (calls in gateway/call-record.ts,
// holds and overruns in billing, the usage queue in billing/usage-writer.ts, …), once per process:
// a module bundled twice (Next's bundles and the gateway's) shares the first registration.
const registered = <M>(name: string, create: (registers: Registry[]) => M): M => processSingleton(`metric:${name}`, () => create([registry()]));

export const counter = <T extends string>(config: Omit<CounterConfiguration<T>, "registers">) =>
  registered(config.name, (registers) => new Counter({ ...config, registers }));
export const gauge = <T extends string>(config: Omit<GaugeConfiguration<T>, "registers">) =>
  registered(config.name, (registers) => new Gauge({ ...config, registers }));
export const histogram = <T extends string>(config: Omit<HistogramConfiguration<T>, "registers">) =>
  registered(config.name, (registers) => new Histogram({ ...config, registers }));

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether the request carries HUB_METRICS_TOKEN as its Bearer token. Compared in constant time over
 * equal-length digests, so neither the time taken nor an early length mismatch tells a prober how
 * much of a guess was right.
 */
export function hasMetricsToken(request: { headers: { get(name: string): string | null } }): boolean {
  const token = env().HUB_METRICS_TOKEN;
  if (!token) return false;
  return timingSafeEqual(digest(request.headers.get("authorization") ?? ""), digest(`Bearer ${token}`));
}
