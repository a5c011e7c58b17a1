import { keyOrSession } from "@/lib/auth/session";
import { checkoutSchema, createCheckout } from "@/lib/billing/stripe";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /api/billing/checkout – a Stripe Checkout Session for a credit package; answers its URL
export const POST = withApiKey({ authenticate: keyOrSession, endpoint: "billing", body: checkoutSchema }, (ctx, body) => createCheckout(ctx.principal, body.packageId, ctx.origin));
