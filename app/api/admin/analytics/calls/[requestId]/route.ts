import { keyOrSession } from "@/lib/auth/session";
import { getCall } from "@/lib/analytics/usage";
import { ApiError } from "@/lib/http/api-error";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/admin/analytics/calls/{requestId} – one call in full
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "admin-api", role: "admin" }, async (_ctx, _body, request) => {
  const requestId = decodeURIComponent(new URL(request.url).pathname.split("/").at(-1)!);
  const call = await getCall(requestId);
  if (!call) throw new ApiError({ status: 404, type: "not_found_error", code: "call_not_found", message: `No call with request id ${requestId}.` });
  return call;
});
