// A fake of the two Stripe API calls the hub makes — create and retrieve a Checkout Session — speaking
// Stripe's wire format (form-encoded requests with bracketed keys, JSON answers, Bearer secret key,
// Stripe's error shape), plus what a test needs to play the customer: mark a session paid and build
// the `checkout.session.completed` event Stripe would send.
import { randomBytes } from "node:crypto";
import { startHttpFake } from "./http-fake";

export interface FakeStripe {
  url: string;
  secretKey: string;
  sessions: Map<string, Record<string, unknown>>;
  /** the customer paid: the session completes and this is the event Stripe sends */
  pay(sessionId: string): Record<string, unknown>;
  close(): Promise<void>;
}

/** Stripe form encoding: line_items[0][price_data][currency]=usd → nested objects and arrays. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

const stripeError = (type: string, message: string, param?: string) => ({ error: { type, message, ...(param ? { param } : {}) } });

/** A fixed port and key let a server started beforehand (the e2e run) be configured with them. */
export async function startFakeStripe(options: { port?: number; secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString("hex")}`;
  const sessions = new Map<string, Record<string, unknown>>();
  const fake = await startHttpFake(async (x) => {
    if (x.req.headers.authorization !== `Bearer ${secretKey}`) return x.json(401, stripeError("invalid_request_error", "Invalid API Key provided."));
    const path = x.url.pathname;
    if (x.req.method === "POST" && path === "/v1/checkout/sessions") {
      const form = parseForm(x.raw.toString("utf8"));
      const items = form.line_items as Array<{ quantity: string; price_data: { currency: string; unit_amount: string; product_data: { name: string } } }> | undefined;
      if (!items?.length) return x.json(400, stripeError("invalid_request_error", "Missing required param: line_items.", "line_items"));
      if (!form.success_url) return x.json(400, stripeError("invalid_request_error", "Missing required param: success_url.", "success_url"));
      const id = `cs_test_${randomBytes(16).toString("hex")}`;
      const amount = items.reduce((n, i) => n + Number(i.price_data.unit_amount) * Number(i.quantity), 0);
      const session = {
        id,
        object: "checkout.session",
        mode: form.mode,
        status: "open",
        payment_status: "unpaid",
        amount_total: amount,
        currency: items[0]!.price_data.currency,
        client_reference_id: form.client_reference_id ?? null,
        allow_promotion_codes: form.allow_promotion_codes === undefined ? null : form.allow_promotion_codes === "true",
        metadata: form.metadata ?? {},
        success_url: String(form.success_url).replace("{CHECKOUT_SESSION_ID}", id),
        cancel_url: form.cancel_url ?? null,
        url: `https://checkout.stripe.test/c/pay/${id}`,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
      };
      sessions.set(id, session);
      return x.json(200, session);
    }
    const match = /^\/v1\/checkout\/sessions\/(cs_[A-Za-z0-9_]+)$/.exec(path);
    if (x.req.method === "GET" && match) {
      const session = sessions.get(match[1]!);
      return session ? x.json(200, session) : x.json(404, stripeError("invalid_request_error", `No such checkout.session: '${match[1]}'`, "session"));
    }
    return x.json(404, stripeError("invalid_request_error", `Unrecognized request URL (${x.req.method}: ${path}).`));
  }, { port: options.port });
  return {
    url: fake.origin,
    secretKey,
    sessions,
    pay(sessionId) {
      const session = sessions.get(sessionId)!;
      Object.assign(session, { status: "complete", payment_status: "paid" });
      return {
        id: `evt_${randomBytes(12).toString("hex")}`,
        object: "event",
        api_version: "2025-10-29.clover",
        created: Math.floor(Date.now() / 1000),
        type: "checkout.session.completed",
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: { object: { ...session } },
      };
    },
    close: fake.close,
  };
}
