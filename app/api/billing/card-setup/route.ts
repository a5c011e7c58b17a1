import { keyOrSession } from "@/lib/auth/session";
import { createCardSetup } from "@/lib/billing/auto-recharge";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /api/billing/card-setup – a Stripe Checkout page (setup mode) where the caller saves a card for auto-recharge
export const POST = withApiKey({ authenticate: keyOrSession, endpoint: "billing" }, (ctx) => createCardSetup(ctx.principal, ctx.origin));
