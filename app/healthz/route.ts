export const dynamic = "force-dynamic";

// GET /healthz – the process is alive and serving
export function GET() {
  return Response.json({ status: "ok" });
}
