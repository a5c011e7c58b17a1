import { metrics, metricsAccess } from "@/lib/metrics";

export const dynamic = "force-dynamic";

// GET /metrics – Prometheus exposition; needs HUB_METRICS_TOKEN as a Bearer token (404 when unset)
export async function GET(request: Request) {
  const access = metricsAccess(request);
  if (access === "disabled") return new Response("metrics are off (set HUB_METRICS_TOKEN)\n", { status: 404 });
  if (access === "unauthorized") return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
