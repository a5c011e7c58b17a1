import { callsCsv, callsQuerySchema } from "@/lib/analytics/usage";
import { sessionPrincipal } from "@/lib/auth/session";
import { Reply } from "@/lib/http/reply";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /admin/usage/export – the usage page's download: the filtered calls as CSV, for the signed-in admin
export const GET = withApiKey({ authenticate: sessionPrincipal, role: "admin", endpoint: "admin-api", query: callsQuerySchema }, async (_ctx, _body, _request, query) =>
  Reply.stream(callsCsv(query), { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="aigne-hub-calls.csv"` }),
);
