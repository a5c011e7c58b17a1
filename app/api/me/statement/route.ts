import { keyOrSession } from "@/lib/auth/session";
import { statementCsv, statementQuerySchema } from "@/lib/billing/statements";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/me/statement?month=YYYY-MM – the monthly statement of the caller's own account, as CSV
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "me-api", query: statementQuerySchema }, async (ctx, _body, _request, query) =>
  statementCsv(ctx.principal.creditAccountId, query.month),
);
