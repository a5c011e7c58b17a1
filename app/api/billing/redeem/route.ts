import { keyOrSession } from "@/lib/auth/session";
import { redeemAsCustomer, redeemOnceForKey } from "@/lib/auth/code-redemption";
import { redeemSchema } from "@/lib/billing/codes";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { Reply } from "@/lib/http/reply";

export const dynamic = "force-dynamic";

// POST /api/billing/redeem – redeems a code into the caller's credit account (Idempotency-Key honoured)
export const POST = withApiKey({ authenticate: keyOrSession, endpoint: "billing", body: redeemSchema }, async (ctx, body, request) => {
  const idempotencyKey = request.headers.get("idempotency-key");
  if (idempotencyKey === null) return redeemAsCustomer(ctx.principal.userId, body.code);
  const answer = await redeemOnceForKey(ctx.principal.userId, body.code, idempotencyKey);
  return Reply.json(answer.body, answer.replayed ? { "idempotent-replayed": "true" } : {}, answer.status);
});
