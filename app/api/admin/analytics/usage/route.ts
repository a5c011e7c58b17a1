import { keyOrSession } from "@/lib/auth/session";
import { usageQuerySchema, usageSeries } from "@/lib/analytics/usage";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/admin/analytics/usage – time series (hour/day buckets, optionally grouped) and totals
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "admin-api", role: "admin", query: usageQuerySchema }, (_ctx, _body, _request, query) => usageSeries(query));
