import { keyOrSession } from "@/lib/auth/session";
import { usageQuerySchema, usageSeries } from "@/lib/analytics/usage";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

const ownUsage = usageQuerySchema.omit({ userId: true, teamId: true });

// GET /api/me/usage – the caller's own usage over time
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "me-api", query: ownUsage }, (ctx, _body, _request, query) => usageSeries({ ...query, userId: ctx.principal.userId }));
