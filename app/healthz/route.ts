import { healthz } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /healthz – the process is alive and serving
export const GET = healthz;
