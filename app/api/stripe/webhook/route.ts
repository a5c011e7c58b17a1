import { handleWebhook } from "@/lib/billing/stripe";
import { GatewayError } from "@/lib/gateway/errors";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

// POST /api/stripe/webhook – Stripe's signed events (the signature covers the raw body)
export async function POST(request: Request) {
  try {
    return Response.json(await handleWebhook(await request.text(), request.headers.get("stripe-signature")));
  } catch (error) {
    if (error instanceof GatewayError) return Response.json(error.toJSON(), { status: error.status });
    // an answer other than 2xx makes Stripe deliver the event again later
    log.error({ err: (error as Error).message }, "stripe webhook failed");
    return Response.json({ error: { message: "The webhook could not be processed; Stripe will retry.", type: "server_error", code: "webhook_failed", param: null } }, { status: 500 });
  }
}
