import { metricsExposition } from "@/lib/metrics";

export const dynamic = "force-dynamic";

// GET /metrics – Prometheus exposition (lib/metrics.ts)
export const GET = metricsExposition;
