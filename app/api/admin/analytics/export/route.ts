import { keyOrSession } from "@/lib/auth/session";
import { callsCsv, callsQuerySchema } from "@/lib/analytics/usage";
import { Reply } from "@/lib/http/reply";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/admin/analytics/export – the filtered calls as CSV, streamed
export const GET = withApiKey(
  { authenticate: keyOrSession, endpoint: "admin-api", role: "admin", query: callsQuerySchema },
  async (_ctx, _body, _request, query) =>
    Reply.stream(callsCsv(query), { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="aigne-hub-calls.csv"` }),
);
