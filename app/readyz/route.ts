import { readyz } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /readyz – ready to serve: database reachable and migrated, Redis reachable when configured
export const GET = readyz;
