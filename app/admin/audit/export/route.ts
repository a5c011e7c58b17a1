import { auditCsv, auditFilterSchema } from "@/lib/admin/audit-log";
import { sessionPrincipal } from "@/lib/auth/session";
import { Reply } from "@/lib/http/reply";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /admin/audit/export – the audit page's download: the filtered entries as CSV, for the signed-in admin
export const GET = withApiKey({ authenticate: sessionPrincipal, role: "admin", endpoint: "admin-api", query: auditFilterSchema }, async (_ctx, _body, _request, filter) =>
  Reply.stream(auditCsv(filter), { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="aigne-hub-audit.csv"` }),
);
