import { keyOrSession } from "@/lib/auth/session";
import { autoRechargeOf, autoRechargeSchema, setAutoRecharge } from "@/lib/billing/auto-recharge";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/billing/auto-recharge – the caller's auto-recharge (saved card, threshold, package, last failure)
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "billing" }, async (ctx) => ({ autoRecharge: await autoRechargeOf(ctx.principal.creditAccountId) }));

// POST /api/billing/auto-recharge {enabled, thresholdCredits, packageId} – turn it on or off, or change it
export const POST = withApiKey({ authenticate: keyOrSession, endpoint: "billing", body: autoRechargeSchema }, async (ctx, body) => {
  const saved = await setAutoRecharge(ctx.principal, body);
  return { autoRecharge: await autoRechargeOf(saved.accountId) };
});
