import { getCall } from "@/lib/analytics/usage";
import { sessionPrincipal } from "@/lib/auth/session";
import { ApiError } from "@/lib/http/api-error";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/playground/calls/{requestId} – the playground's own call, metered: its tokens, cost and latency (signed-in admin only)
export const GET = withApiKey({ authenticate: sessionPrincipal, role: "admin", endpoint: "admin-api" }, async (_ctx, _body, request) => {
  const requestId = decodeURIComponent(new URL(request.url).pathname.split("/").pop() ?? "");
  const call = await getCall(requestId);
  if (!call) throw new ApiError({ status: 404, type: "not_found_error", code: "not_found", message: "No call with this request id (yet)." });
  return call;
});
