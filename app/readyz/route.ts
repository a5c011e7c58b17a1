import { readiness } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /readyz – ready to serve: database reachable and migrated, Redis reachable when configured
export async function GET() {
  const { ready, checks } = await readiness();
  return Response.json({ status: ready ? "ready" : "not_ready", checks }, { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
