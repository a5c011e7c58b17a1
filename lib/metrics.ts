import { createHash, timingSafeEqual } from "node:crypto";
import { memoryHoldCount } from "./billing/holds-memory";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "./db/client";
import { env } from "./env";
import { lifecycle } from "./lifecycle";
import { usageWriter } from "./billing/usage-writer";
import { processSingleton } from "./singleton";

// Prometheus metrics of this process, scraped at /metrics. Counters move with each call's one log
// line (CallRecord) and each upstream failure; gauges are read when scraped.

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

function create() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "aigne-hub" });
  // memory, CPU, event-loop lag and handles of this process
  collectDefaultMetrics({ register: registry, prefix: "hub_" });
  const requests = new Counter({ name: "hub_requests_total", help: "Calls answered, by endpoint and HTTP status", labelNames: ["endpoint", "status"], registers: [registry] });
  const duration = new Histogram({ name: "hub_request_duration_seconds", help: "Time from request to the last byte", labelNames: ["endpoint"], buckets: SECONDS, registers: [registry] });
  const ttfb = new Histogram({ name: "hub_ttfb_seconds", help: "Time from request to the first byte of the answer", labelNames: ["endpoint"], buckets: SECONDS, registers: [registry] });
  const upstreamErrors = new Counter({ name: "hub_upstream_errors_total", help: "Failed upstream attempts, by provider and kind", labelNames: ["provider", "kind"], registers: [registry] });
  const tokens = new Counter({ name: "hub_tokens_total", help: "Tokens metered, by model and direction", labelNames: ["model", "direction"], registers: [registry] });
  const cost = new Counter({ name: "hub_cost_usd_total", help: "Provider cost metered, in USD (the ledger keeps the exact amounts)", labelNames: ["model"], registers: [registry] });
  const overrun = new Counter({
    name: "hub_overrun_usd_total",
    help: "Provider cost above what calls were held for, in USD: the operator's, never charged (an upstream ignored the cap, or a prompt outgrew its estimate)",
    labelNames: ["model"],
    registers: [registry],
  });
  new Gauge({
    name: "hub_calls_in_flight",
    help: "Calls admitted and not finished",
    registers: [registry],
    collect() {
      this.set(lifecycle.inFlight);
    },
  });
  new Gauge({
    name: "hub_usage_queue_depth",
    help: "Usage events waiting to be written",
    registers: [registry],
    collect() {
      this.set(usageWriter.backlog);
    },
  });
  new Gauge({
    name: "hub_reservation_holds",
    help: "Credit and budget holds of calls in flight (database holds of all processes, and this process's in-memory holds)",
    registers: [registry],
    async collect() {
      this.set((await db().reservation.count()) + memoryHoldCount());
    },
  });
  return { registry, requests, duration, ttfb, upstreamErrors, tokens, cost, overrun };
}

export const metrics = () => processSingleton("metrics", create);

export interface CallMetrics {
  endpoint: string;
  status: number;
  latencyMs: number;
  ttfbMs: number | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costNanoUsd: bigint;
}

export function observeCall(call: CallMetrics): void {
  const m = metrics();
  m.requests.inc({ endpoint: call.endpoint, status: String(call.status) });
  m.duration.observe({ endpoint: call.endpoint }, call.latencyMs / 1000);
  if (call.ttfbMs !== null) m.ttfb.observe({ endpoint: call.endpoint }, call.ttfbMs / 1000);
  if (call.promptTokens) m.tokens.inc({ model: call.model, direction: "prompt" }, call.promptTokens);
  if (call.completionTokens) m.tokens.inc({ model: call.model, direction: "completion" }, call.completionTokens);
  if (call.costNanoUsd > 0n) m.cost.inc({ model: call.model }, Number(call.costNanoUsd) / 1e9);
}

export const observeOverrun = (model: string, nanoUsd: bigint) => metrics().overrun.inc({ model }, Number(nanoUsd) / 1e9);

export const observeUpstreamError = (provider: string, kind: string) => metrics().upstreamErrors.inc({ provider, kind });

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

/** Whether a scrape may read the metrics: only with HUB_METRICS_TOKEN set, and that token. */
function metricsAccess(request: { headers: { get(name: string): string | null } }): "ok" | "disabled" | "unauthorized" {
  if (!env().HUB_METRICS_TOKEN) return "disabled";
  return hasMetricsToken(request) ? "ok" : "unauthorized";
}

/** GET /metrics – Prometheus exposition; needs HUB_METRICS_TOKEN as a Bearer token (404 when unset). */
export async function metricsExposition(request: { headers: { get(name: string): string | null } }): Promise<Response> {
  const access = metricsAccess(request);
  if (access === "disabled") return new Response("metrics are off (set HUB_METRICS_TOKEN)\n", { status: 404 });
  if (access === "unauthorized") return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
