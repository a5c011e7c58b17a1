import { checkWebhookDelivery, handleWebhook } from "@/lib/billing/stripe-webhook";
import { bodyTooLarge, ApiError } from "@/lib/http/api-error";
import { BodyTooLargeError, readBodyText, SMALL_BODY_BYTES } from "@/lib/http/body";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

// POST /api/stripe/webhook – Stripe's signed events (the signature covers the raw body). Refused
// deliveries are answered before the body is read; an accepted one is read up to 1 MiB (Stripe's
// events are a few KiB).
export async function POST(request: Request) {
  try {
    const signature = request.headers.get("stripe-signature");
    checkWebhookDelivery(signature);
    return Response.json(await handleWebhook(await readBodyText(request, SMALL_BODY_BYTES), signature));
  } catch (thrown) {
    const error = thrown instanceof BodyTooLargeError ? bodyTooLarge(thrown.limit) : thrown;
    if (error instanceof ApiError) return Response.json(error.toJSON(), { status: error.status });
    // an answer other than 2xx makes Stripe deliver the event again later
    log.error({ err: (error as Error).message }, "stripe webhook failed");
    return Response.json({ error: { message: "The webhook could not be processed; Stripe will retry.", type: "server_error", code: "webhook_failed", param: null } }, { status: 500 });
  }
}
