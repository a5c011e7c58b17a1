import { keyOrSession } from "@/lib/auth/session";
import { callsQuerySchema, listCalls } from "@/lib/analytics/usage";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/admin/analytics/calls – calls, filtered, sorted and paged on the server
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "admin-api", role: "admin", query: callsQuerySchema }, (_ctx, _body, _request, query) => listCalls(query));
