import { keyOrSession } from "@/lib/auth/session";
import { accountSummary } from "@/lib/analytics/customer";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/me/account – balance, holds, and days of credit left at the recent pace
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "me-api" }, (ctx) => accountSummary(ctx.principal));
