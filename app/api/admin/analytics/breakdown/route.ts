import { keyOrSession } from "@/lib/auth/session";
import { z } from "zod";
import { DIMENSIONS, usageBreakdown, usageQuerySchema, type Dimension } from "@/lib/analytics/usage";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

const breakdownQuery = usageQuerySchema.extend({ groupBy: z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]) });

// GET /api/admin/analytics/breakdown – totals per model, provider, user, team or key
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "admin-api", role: "admin", query: breakdownQuery }, async (_ctx, _body, _request, query) => ({ data: await usageBreakdown(query) }));
