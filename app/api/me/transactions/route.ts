import { keyOrSession } from "@/lib/auth/session";
import { accountTransactions, pageSchema } from "@/lib/analytics/customer";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/me/transactions – the credit ledger of the caller's account, newest first
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "me-api", query: pageSchema }, (ctx, _body, _request, page) => accountTransactions(ctx.principal, page));
