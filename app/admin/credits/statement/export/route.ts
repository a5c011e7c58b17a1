import { sessionPrincipal } from "@/lib/auth/session";
import { statementCsv, statementQuerySchema } from "@/lib/billing/statements";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /admin/credits/statement/export?account=…&month=YYYY-MM – any customer's statement as CSV, for the signed-in admin
export const GET = withApiKey({ authenticate: sessionPrincipal, role: "admin", endpoint: "admin-api", query: statementQuerySchema }, async (_ctx, _body, _request, query) =>
  statementCsv(query.account ?? null, query.month),
);
