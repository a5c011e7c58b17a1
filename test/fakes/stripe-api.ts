// A protocol-faithful fake of the Stripe API calls the hub makes, on a loopback port the real `stripe`
// SDK is pointed at (`new Stripe(key, { host, port, protocol: "http" })`). It speaks Stripe's wire
// format: form-encoded requests with bracketed keys, JSON answers, a Bearer secret key, Stripe's error
// object with its HTTP statuses (400 invalid request, 401 key, 402 card error, 404 no such object),
// `expand[]` on any answer, and `Idempotency-Key` on POSTs (the same key and parameters answer the
// stored result again with `Idempotent-Replayed: true`; the key with other parameters or on another
// endpoint is refused with 400 idempotency_error).
//
// Endpoints: POST /v1/customers, POST /v1/customers/:id, GET /v1/customers/:id/payment_methods,
// POST /v1/checkout/sessions (payment and setup mode), POST /v1/payment_intents (confirm on a saved
// card, off or on session), POST /v1/refunds, and GET /v1/<collection>/:id for customers, checkout
// sessions, payment intents, setup intents, payment methods, charges, refunds, invoices and disputes.
//
// What happens at Stripe without an API call is a method that does it and returns the event Stripe
// would POST to the webhook (sign it with `stripe.webhooks.generateTestHeaderString` to deliver it):
// the customer pays or saves a card on the Checkout page (pay, completeSetup), an operator refunds in
// the Dashboard (refundFromDashboard), a bank opens or closes a dispute (dispute, closeDispute).
//
// Objects are typed with the SDK's own types (every field optional), so a misspelt field does not compile.
// Not simulated: balance transactions (their ids only), prices and products by id, subscriptions.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import type { RecordedRequest } from "./contract";
import { startHttpFake, type FakeExchange } from "./http-fake";

/** The API version of every answer and event: the one the SDK pins, which the hub's client uses. */
export const API_VERSION: string = Stripe.API_VERSION;

type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/** A Stripe object as the fake keeps and sends it: the SDK's type with the fields the fake fills in (K always). */
export type Wire<T extends { id: string; object: string }, K extends keyof T = never> = DeepPartial<T> & Pick<T, "id" | "object" | K>;

type Customer = Wire<Stripe.Customer>;
type CheckoutSession = Wire<Stripe.Checkout.Session, "mode" | "status">;
type PaymentIntent = Wire<Stripe.PaymentIntent, "amount" | "currency" | "status">;
type Charge = Wire<Stripe.Charge, "amount" | "amount_refunded" | "currency" | "refunded" | "status">;
type Refund = Wire<Stripe.Refund, "amount">;
type Invoice = Wire<Stripe.Invoice>;
type SetupIntent = Wire<Stripe.SetupIntent>;
type PaymentMethod = Wire<Stripe.PaymentMethod>;
type Dispute = Wire<Stripe.Dispute, "status">;
type StripeObject = { id: string; object: string };
type Params = Record<string, unknown>;

/** Who caused an event, as Stripe's `event.request` says: the API request and its key, or nulls when Stripe did. */
export type EventRequest = { id: string | null; idempotency_key: string | null };
const AUTOMATIC: EventRequest = Object.freeze({ id: null, idempotency_key: null });

/** What Stripe POSTs to the webhook endpoint. */
export type StripeEvent<T = unknown> = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  type: string;
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  data: { object: T; previous_attributes?: Record<string, unknown> };
};

export type TestCard = "ok" | "declined" | "insufficient_funds" | "authentication_required";
interface Decline {
  code: string;
  decline_code: string;
  message: string;
}

/**
 * The cards a test can save on a customer, named by how a charge on them ends; each stands for the
 * Stripe test card noted and reports its brand and last4. Saving any of them succeeds.
 */
export const TEST_CARDS: Record<TestCard, { brand: string; last4: string; decline?: Decline }> = {
  // 4242 4242 4242 4242 (pm_card_visa)
  ok: { brand: "visa", last4: "4242" },
  // 4000 0000 0000 0341 (pm_card_chargeCustomerFail): attaches to a customer, every charge is declined
  declined: { brand: "visa", last4: "0341", decline: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." } },
  // 4000 0000 0000 9995 (pm_card_visa_chargeDeclinedInsufficientFunds). Stripe would not attach it; here it is
  // a saved card whose funds have since run out
  insufficient_funds: { brand: "visa", last4: "9995", decline: { code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." } },
  // 4000 0027 6000 3184 (pm_card_authenticationRequired): every charge needs 3D Secure, even after setup
  authentication_required: {
    brand: "visa",
    last4: "3184",
    decline: { code: "authentication_required", decline_code: "authentication_required", message: "Your card was declined. This transaction requires authentication." },
  },
};

export interface FakeStripe {
  url: string;
  secretKey: string;
  /** every request the fake received, headers included (bodies are form-encoded: parse them with parseForm) */
  requests: RecordedRequest[];
  customers: Map<string, Customer>;
  sessions: Map<string, CheckoutSession>;
  /** every PaymentIntent, from the API or from a paid checkout: count them to count charge attempts */
  paymentIntents: Map<string, PaymentIntent>;
  charges: Map<string, Charge>;
  refunds: Map<string, Refund>;
  invoices: Map<string, Invoice>;
  setupIntents: Map<string, SetupIntent>;
  paymentMethods: Map<string, PaymentMethod>;
  disputes: Map<string, Dispute>;
  /** by object id, the API request that created it (its id and Idempotency-Key); nulls for Stripe's own */
  createdBy: Map<string, EventRequest>;
  /**
   * The customer pays a payment-mode session with `card` (default "ok"): it completes with a PaymentIntent,
   * a charge, the invoice if `invoice_creation` asked for one, and the card saved on the customer (created if
   * need be) if `payment_intent_data[setup_future_usage]` was set. The payment itself succeeds whatever the
   * card (the customer passes 3D Secure on the page); the card decides how later off-session charges end.
   * Returns `checkout.session.completed`; paying a complete session again only builds the event again.
   */
  pay(sessionId: string, card?: TestCard): StripeEvent<CheckoutSession>;
  /** The customer saves `card` in a setup-mode session: its SetupIntent succeeds with a new PaymentMethod on the customer. Returns `checkout.session.completed`. */
  completeSetup(sessionId: string, card?: TestCard): StripeEvent<CheckoutSession>;
  /** Attaches a card to a customer without a Checkout page, for tests that only need a saved card. */
  saveCard(customerId: string, card?: TestCard): PaymentMethod;
  /** `payment_intent.succeeded` or `.payment_failed` for a PaymentIntent in that state (throws otherwise). */
  paymentIntentEvent(paymentIntentId: string, type: "payment_intent.succeeded" | "payment_intent.payment_failed"): StripeEvent<PaymentIntent>;
  /** `charge.refunded` for the charge's latest refund: cumulative amount_refunded, previous_attributes before that refund. */
  refundEvent(chargeId: string): StripeEvent<Charge>;
  /** An operator refunds `amount` (default: what is left) in the Dashboard, by charge or PaymentIntent id; returns `charge.refunded`. */
  refundFromDashboard(chargeOrPaymentIntentId: string, amount?: number): StripeEvent<Charge>;
  /** The cardholder's bank disputes `amount` (default: the whole charge) as fraudulent; returns `charge.dispute.created`. */
  dispute(chargeId: string, amount?: number): StripeEvent<Dispute>;
  /** The dispute ends; returns `charge.dispute.closed` (previous_attributes: the status before). */
  closeDispute(disputeId: string, outcome: "won" | "lost"): StripeEvent<Dispute>;
  /** Any other event about a stored object (e.g. `checkout.session.expired`), carrying the object as it is now. */
  event(type: string, objectId: string, previousAttributes?: Record<string, unknown>): StripeEvent;
  close(): Promise<void>;
}

/** Stripe form encoding: line_items[0][price_data][currency]=usd and expand[]=x → nested objects and arrays. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = root;
    path.forEach((part, i) => {
      const slot = part === "" && Array.isArray(node) ? String(node.length) : part;
      if (i === path.length - 1) node[slot] = value;
      else node = (node[slot] ??= /^\d*$/.test(path[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

// ---------------------------------------------------------------------------------------------------
// small helpers

const now = () => Math.floor(Date.now() / 1000);
const token = (bytes = 12) => randomBytes(bytes).toString("hex");
const newId = (prefix: string) => `${prefix}_${token()}`;
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const bool = (v: unknown) => v === "true";
const obj = (v: unknown): Params => (v && typeof v === "object" && !Array.isArray(v) ? (v as Params) : {});
/** the id an expandable field holds, whether it holds the id or the object */
const idOf = (v: unknown): string | null => (typeof v === "string" ? v : typeof obj(v).id === "string" ? (obj(v).id as string) : null);
const clone = <T>(v: T): T => structuredClone(v);
/** Stripe metadata: string values; an empty value deletes the key */
const metadataOf = (v: unknown, base: Record<string, string> = {}) => {
  const merged = { ...base };
  for (const [k, value] of Object.entries(obj(v))) {
    if (value === "") delete merged[k];
    else merged[k] = String(value);
  }
  return merged;
};
const money = (amount: number, currency: string) => (currency === "usd" ? `$${(amount / 100).toFixed(2)}` : `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`);
/** JSON with object keys sorted: two parameter sets compare equal whatever order they were sent in */
const canonical = (v: unknown) =>
  JSON.stringify(v, (_, value: unknown) => (value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value));

type ErrorType = "invalid_request_error" | "card_error" | "idempotency_error";
interface ErrorBody {
  type: ErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  doc_url?: string;
  payment_intent?: PaymentIntent;
  payment_method?: PaymentMethod;
}
interface Answer {
  status: number;
  body: unknown;
}
const ok = (body: unknown): Answer => ({ status: 200, body });

/**
 * An error thrown before anything happened (a bad or missing parameter, an unknown id): not stored against
 * the Idempotency-Key, as Stripe keeps no result for a request that fails validation. Card declines are
 * answers instead, stored and replayed like any result.
 */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorBody,
  ) {
    super(error.message);
  }
}
const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;
function invalid(message: string, param?: string, code?: string, status = 400): ApiError {
  return new ApiError(status, { type: "invalid_request_error", message, ...(code && { code, doc_url: docUrl(code) }), ...(param && { param }) });
}
const missing = (param: string) => invalid(`Missing required param: ${param}.`, param, "parameter_missing");
function required(value: unknown, param: string): string {
  const s = str(value);
  if (s === undefined) throw missing(param);
  return s;
}
function integer(value: unknown, param: string, options: { required?: boolean; positive?: boolean } = {}): number | undefined {
  if (value === undefined) {
    if (options.required) throw missing(param);
    return undefined;
  }
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${String(value)}`, param, "parameter_invalid_integer");
  const n = Number(value);
  if (options.positive && n <= 0) throw invalid("Invalid positive integer", param, "parameter_invalid_integer");
  return n;
}

/** Collections by URL segment: the object each holds, and the param a missing id is reported against. */
const COLLECTIONS: Record<string, { object: string; param: string }> = {
  customers: { object: "customer", param: "id" },
  "checkout/sessions": { object: "checkout.session", param: "session" },
  payment_intents: { object: "payment_intent", param: "intent" },
  setup_intents: { object: "setup_intent", param: "intent" },
  payment_methods: { object: "payment_method", param: "payment_method" },
  charges: { object: "charge", param: "charge" },
  refunds: { object: "refund", param: "refund" },
  invoices: { object: "invoice", param: "invoice" },
  disputes: { object: "dispute", param: "dispute" },
};
const noSuch = (object: string, id: unknown, param: string, status: number) =>
  invalid(`No such ${object === "payment_method" ? "PaymentMethod" : object}: '${String(id)}'`, param, "resource_missing", status);

// ---------------------------------------------------------------------------------------------------
// Stripe's side: the objects and what happens to them

/** what a Checkout Session was created with that the session object does not show */
interface CheckoutExtras {
  lines: Array<{ description: string; quantity: number; amount: number }>;
  paymentIntentData: Params;
  invoiceData: Params;
}

class StripeState {
  readonly customers = new Map<string, Customer>();
  readonly sessions = new Map<string, CheckoutSession>();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly invoices = new Map<string, Invoice>();
  readonly setupIntents = new Map<string, SetupIntent>();
  readonly paymentMethods = new Map<string, PaymentMethod>();
  readonly disputes = new Map<string, Dispute>();
  readonly createdBy = new Map<string, EventRequest>();
  /** every object by id, whatever its kind: what retrieve and expand look in */
  private readonly objects = new Map<string, StripeObject>();
  /** the test card each payment method stands for */
  private readonly cards = new Map<string, TestCard>();
  private readonly checkout = new Map<string, CheckoutExtras>();

  private add<T extends StripeObject>(map: Map<string, T>, object: T, request = AUTOMATIC): T {
    map.set(object.id, object);
    this.objects.set(object.id, object);
    this.createdBy.set(object.id, request);
    return object;
  }

  /** the stored object of that kind, or Stripe's resource_missing error (404 for the URL's id, 400 for a parameter) */
  find<T extends StripeObject>(object: string, id: unknown, param: string, status = 400): T {
    const found = typeof id === "string" ? this.objects.get(id) : undefined;
    if (found?.object !== object) throw noSuch(object, id, param, status);
    return found as T;
  }

  /** for the test-side methods: a test asking about an object that does not exist is a broken test */
  private must<T>(map: Map<string, T>, id: string): T {
    const found = map.get(id);
    if (!found) throw new Error(`the fake Stripe has no ${id}`);
    return found;
  }

  // --- customers and payment methods

  createCustomer(p: Params, request: EventRequest): Customer {
    return this.add(
      this.customers,
      {
        id: newId("cus"),
        object: "customer",
        address: null,
        balance: 0,
        created: now(),
        currency: null,
        default_source: null,
        delinquent: false,
        description: str(p.description) ?? null,
        email: str(p.email) ?? null,
        invoice_prefix: token(4).toUpperCase(),
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
        livemode: false,
        metadata: metadataOf(p.metadata),
        name: str(p.name) ?? null,
        next_invoice_sequence: 1,
        phone: str(p.phone) ?? null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: "none",
        test_clock: null,
      },
      request,
    );
  }

  updateCustomer(id: string, p: Params): Customer {
    const customer = this.find<Customer>("customer", id, "id", 404);
    for (const field of ["email", "name", "description", "phone"] as const) if (p[field] !== undefined) customer[field] = str(p[field]) ?? null;
    if (p.metadata !== undefined) customer.metadata = metadataOf(p.metadata, customer.metadata as Record<string, string>);
    const defaultMethod = obj(p.invoice_settings).default_payment_method;
    if (defaultMethod !== undefined) {
      const pm = this.find<PaymentMethod>("payment_method", defaultMethod, "invoice_settings[default_payment_method]");
      customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: pm.id };
    }
    return customer;
  }

  listPaymentMethods(customerId: string) {
    this.find<Customer>("customer", customerId, "customer", 404);
    const data = [...this.paymentMethods.values()].filter((pm) => pm.customer === customerId).reverse();
    return { object: "list", data, has_more: false, url: `/v1/customers/${customerId}/payment_methods` };
  }

  saveCard(customerId: string | null, card: TestCard = "ok"): PaymentMethod {
    const { brand, last4 } = TEST_CARDS[card];
    const pm = this.add(this.paymentMethods, {
      id: newId("pm"),
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null, tax_id: null },
      card: {
        brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        display_brand: brand,
        exp_month: 12,
        exp_year: new Date().getFullYear() + 3,
        fingerprint: token(8),
        funding: "credit",
        generated_from: null,
        last4,
        networks: { available: [brand], preferred: null },
        regulated_status: "unregulated",
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: now(),
      customer: customerId,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "card",
    });
    this.cards.set(pm.id, card);
    return pm;
  }

  // --- Checkout

  createSession(p: Params, request: EventRequest): CheckoutSession {
    const mode = required(p.mode, "mode");
    if (mode !== "payment" && mode !== "setup") throw invalid(`The fake Stripe API does not simulate mode '${mode}'.`, "mode");
    const successUrl = required(p.success_url, "success_url");
    if (p.customer !== undefined && p.customer_email !== undefined) throw invalid("You may only specify one of these parameters: customer, customer_email.");
    const customer = p.customer === undefined ? null : this.find<Customer>("customer", p.customer, "customer");
    const lines = mode === "payment" ? this.lineItems(p.line_items) : [];
    const amount = mode === "payment" ? lines.reduce((n, l) => n + l.amount, 0) : null;
    const currency = mode === "payment" ? required(obj(obj((p.line_items as unknown[])[0]).price_data).currency, "line_items[0][price_data][currency]") : str(p.currency);
    // Stripe: currency is "required in setup mode when allowed_payment_method_types is not set"
    if (mode === "setup" && !currency && p.allowed_payment_method_types === undefined && p.payment_method_types === undefined) throw missing("currency");
    const invoiceData = obj(obj(p.invoice_creation).invoice_data);
    const id = `cs_test_${token(16)}`;
    const created = now();
    const session = this.add(
      this.sessions,
      {
        id,
        object: "checkout.session",
        after_expiration: null,
        allow_promotion_codes: bool(p.allow_promotion_codes) || null,
        amount_subtotal: amount,
        amount_total: amount,
        cancel_url: str(p.cancel_url) ?? null,
        client_reference_id: str(p.client_reference_id) ?? null,
        created,
        currency: currency ?? null,
        customer: customer?.id ?? null,
        customer_creation: mode === "payment" ? (str(p.customer_creation) ?? "if_required") : null,
        customer_details: null,
        customer_email: str(p.customer_email) ?? null,
        expires_at: created + 24 * 3600,
        invoice: null,
        invoice_creation:
          mode === "payment"
            ? {
                enabled: bool(obj(p.invoice_creation).enabled),
                invoice_data: { account_tax_ids: null, custom_fields: null, description: str(invoiceData.description) ?? null, footer: null, issuer: null, metadata: metadataOf(invoiceData.metadata), rendering_options: null },
              }
            : null,
        livemode: false,
        locale: null,
        metadata: metadataOf(p.metadata),
        mode,
        payment_intent: null, // created when the customer confirms (API 2022-08-01 and later)
        payment_link: null,
        payment_method_types: ["card"],
        payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
        setup_intent: mode === "setup" ? this.newSetupIntent(customer?.id ?? null, obj(p.setup_intent_data), request).id : null,
        status: "open",
        success_url: successUrl.replace("{CHECKOUT_SESSION_ID}", id),
        ui_mode: "hosted_page",
        // a .test address never resolves: a browser test routes it to a stand-in page
        url: `https://checkout.stripe.test/c/pay/${id}`,
      },
      request,
    );
    this.checkout.set(id, { lines, paymentIntentData: obj(p.payment_intent_data), invoiceData });
    return session;
  }

  private lineItems(raw: unknown): CheckoutExtras["lines"] {
    if (!Array.isArray(raw) || raw.length === 0) throw missing("line_items");
    return raw.map((item: unknown, i) => {
      const at = `line_items[${i}]`;
      const data = obj(obj(item).price_data);
      if (obj(item).price !== undefined) throw invalid("The fake Stripe API takes line items with price_data only.", `${at}[price]`);
      const quantity = integer(obj(item).quantity, `${at}[quantity]`, { required: true, positive: true })!;
      const unitAmount = integer(data.unit_amount, `${at}[price_data][unit_amount]`, { required: true })!;
      required(data.currency, `${at}[price_data][currency]`);
      return { description: str(obj(data.product_data).name) ?? "", quantity, amount: unitAmount * quantity };
    });
  }

  private newSetupIntent(customer: string | null, data: Params, request: EventRequest): SetupIntent {
    const id = newId("seti");
    return this.add(
      this.setupIntents,
      {
        id,
        object: "setup_intent",
        application: null,
        automatic_payment_methods: null,
        cancellation_reason: null,
        client_secret: `${id}_secret_${token()}`,
        created: now(),
        customer,
        description: str(data.description) ?? null,
        last_setup_error: null,
        latest_attempt: null,
        livemode: false,
        mandate: null,
        metadata: metadataOf(data.metadata),
        next_action: null,
        on_behalf_of: null,
        payment_method: null,
        payment_method_types: ["card"],
        single_use_mandate: null,
        status: "requires_payment_method",
        usage: "off_session",
      },
      request,
    );
  }

  private openSession(sessionId: string, mode: "payment" | "setup"): CheckoutSession {
    const session = this.must(this.sessions, sessionId);
    if (session.mode !== mode) throw new Error(`${sessionId} is a ${session.mode}-mode session: use ${session.mode === "setup" ? "completeSetup" : "pay"}()`);
    return session;
  }

  private customerDetails(session: CheckoutSession, customerId: string | null): CheckoutSession["customer_details"] {
    const customer = customerId ? this.customers.get(customerId) : undefined;
    return { address: null, business_name: null, email: session.customer_email ?? customer?.email ?? null, individual_name: null, name: customer?.name ?? null, phone: null, tax_exempt: "none", tax_ids: [] };
  }

  pay(sessionId: string, card: TestCard = "ok"): StripeEvent<CheckoutSession> {
    const session = this.openSession(sessionId, "payment");
    if (session.status !== "complete") {
      const extras = this.checkout.get(sessionId)!;
      const saveFor = str(extras.paymentIntentData.setup_future_usage);
      // Checkout makes a Customer to save the card on, or when told to always
      const customerId = idOf(session.customer) ?? (saveFor || session.customer_creation === "always" ? this.createCustomer({ email: session.customer_email }, AUTOMATIC).id : null);
      const pm = this.saveCard(saveFor ? customerId : null, card);
      const pi = this.newPaymentIntent({
        amount: session.amount_total!,
        currency: session.currency!,
        customer: customerId,
        description: str(extras.paymentIntentData.description) ?? null,
        metadata: metadataOf(extras.paymentIntentData.metadata),
        payment_method: pm.id,
        setup_future_usage: (saveFor as Stripe.PaymentIntent.SetupFutureUsage | undefined) ?? null,
      });
      this.succeed(pi, pm);
      const invoice = session.invoice_creation?.enabled ? this.newInvoice(session, customerId, extras) : null;
      Object.assign(session, {
        status: "complete",
        payment_status: "paid",
        customer: customerId,
        customer_details: this.customerDetails(session, customerId),
        payment_intent: pi.id,
        invoice: invoice?.id ?? null,
      } satisfies Partial<CheckoutSession>);
    }
    return this.event("checkout.session.completed", session);
  }

  completeSetup(sessionId: string, card: TestCard = "ok"): StripeEvent<CheckoutSession> {
    const session = this.openSession(sessionId, "setup");
    if (session.status !== "complete") {
      const customerId = idOf(session.customer);
      const pm = this.saveCard(customerId, card);
      Object.assign(this.setupIntents.get(idOf(session.setup_intent)!)!, { status: "succeeded", payment_method: pm.id } satisfies Partial<SetupIntent>);
      Object.assign(session, { status: "complete", customer_details: this.customerDetails(session, customerId) } satisfies Partial<CheckoutSession>);
    }
    return this.event("checkout.session.completed", session);
  }

  private newInvoice(session: CheckoutSession, customerId: string | null, extras: CheckoutExtras): Invoice {
    const id = newId("in");
    const at = now();
    const customer = customerId ? this.customers.get(customerId) : undefined;
    const total = session.amount_total!;
    const currency = session.currency!;
    const number = customer ? `${customer.invoice_prefix}-${String(customer.next_invoice_sequence!++).padStart(4, "0")}` : `${token(4).toUpperCase()}-0001`;
    return this.add(this.invoices, {
      id,
      object: "invoice",
      account_country: "US",
      account_name: "Fake Stripe account",
      amount_due: total,
      amount_paid: total,
      amount_remaining: 0,
      attempt_count: 0,
      attempted: true,
      billing_reason: "manual",
      collection_method: "charge_automatically",
      created: at,
      currency,
      customer: customerId,
      customer_email: session.customer_email ?? customer?.email ?? null,
      customer_name: customer?.name ?? null,
      description: str(extras.invoiceData.description) ?? null,
      hosted_invoice_url: `https://invoice.stripe.test/i/${token(16)}`,
      invoice_pdf: `https://pay.stripe.test/invoice/${token(16)}/pdf`,
      lines: {
        object: "list",
        data: extras.lines.map((line) => ({ id: newId("il"), object: "line_item", amount: line.amount, currency, description: line.description, invoice: id, livemode: false, quantity: line.quantity })),
        has_more: false,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: metadataOf(extras.invoiceData.metadata),
      number,
      parent: null,
      period_end: at,
      period_start: at,
      status: "paid",
      status_transitions: { finalized_at: at, marked_uncollectible_at: null, paid_at: at, voided_at: null },
      subtotal: total,
      total,
    });
  }

  // --- PaymentIntents and charges

  private newPaymentIntent(
    fields: Pick<PaymentIntent, "amount" | "currency" | "customer" | "description" | "metadata" | "payment_method" | "setup_future_usage"> & { automatic?: boolean },
    request = AUTOMATIC,
  ): PaymentIntent {
    const id = newId("pi");
    const { automatic, ...given } = fields;
    return this.add(
      this.paymentIntents,
      {
        id,
        object: "payment_intent",
        ...given,
        amount_capturable: 0,
        amount_received: 0,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: automatic ? { allow_redirects: "always", enabled: true } : null,
        canceled_at: null,
        cancellation_reason: null,
        capture_method: "automatic_async",
        client_secret: `${id}_secret_${token()}`,
        confirmation_method: "automatic",
        created: now(),
        last_payment_error: null,
        latest_charge: null,
        livemode: false,
        next_action: null,
        on_behalf_of: null,
        payment_method_types: ["card"],
        processing: null,
        receipt_email: null,
        review: null,
        shipping: null,
        source: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        status: given.payment_method ? "requires_confirmation" : "requires_payment_method",
        transfer_data: null,
        transfer_group: null,
      },
      request,
    );
  }

  private newCharge(pi: PaymentIntent, pm: PaymentMethod, decline?: Decline): Charge {
    const card = pm.card!;
    return this.add(this.charges, {
      id: newId("ch"),
      object: "charge",
      amount: pi.amount,
      amount_captured: decline ? 0 : pi.amount,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: decline ? null : newId("txn"),
      billing_details: pm.billing_details,
      captured: !decline,
      created: now(),
      currency: pi.currency,
      customer: idOf(pi.customer),
      description: pi.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: decline?.code ?? null,
      failure_message: decline?.message ?? null,
      fraud_details: {},
      livemode: false,
      metadata: pi.metadata,
      on_behalf_of: null,
      outcome: decline
        ? { network_status: "declined_by_network", reason: decline.decline_code, risk_level: "normal", seller_message: "The bank did not return any further details with this decline.", type: "issuer_declined" }
        : { network_status: "approved_by_network", reason: null, risk_level: "normal", seller_message: "Payment complete.", type: "authorized" },
      paid: !decline,
      payment_intent: pi.id,
      payment_method: pm.id,
      payment_method_details: { type: "card", card: { brand: card.brand, country: card.country, exp_month: card.exp_month, exp_year: card.exp_year, funding: card.funding, last4: card.last4 } },
      receipt_email: null,
      receipt_number: null,
      receipt_url: decline ? null : `https://pay.stripe.test/receipts/payment/${token(24)}`,
      refunded: false,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: decline ? "failed" : "succeeded",
      transfer_data: null,
      transfer_group: null,
    });
  }

  private succeed(pi: PaymentIntent, pm: PaymentMethod) {
    const charge = this.newCharge(pi, pm);
    Object.assign(pi, { status: "succeeded", amount_received: pi.amount, payment_method: pm.id, latest_charge: charge.id } satisfies Partial<PaymentIntent>);
  }

  /** A confirmation's payment attempt on the card; returns the card error when it is declined. */
  private attempt(pi: PaymentIntent, pm: PaymentMethod, offSession: boolean): ErrorBody | null {
    const { decline } = TEST_CARDS[this.cards.get(pm.id) ?? "ok"];
    if (!decline) {
      this.succeed(pi, pm);
      return null;
    }
    if (decline.code === "authentication_required" && !offSession) {
      // on session the customer is there to authenticate: the PaymentIntent waits for 3D Secure, no charge yet
      Object.assign(pi, { status: "requires_action", payment_method: pm.id, next_action: { type: "use_stripe_sdk", use_stripe_sdk: {} } } satisfies Partial<PaymentIntent>);
      return null;
    }
    // Stripe documents off-session failures, authentication_required included: "the request also fails with
    // a 402 HTTP status code and the status of the PaymentIntent is requires_payment_method"
    // (docs.stripe.com/payments/save-and-reuse). The failed charge stays as latest_charge; the payment method
    // comes off the PaymentIntent and into last_payment_error.
    const charge = this.newCharge(pi, pm, decline);
    const error: ErrorBody = { type: "card_error", ...decline, charge: charge.id, doc_url: docUrl(decline.code), payment_method: clone(pm) };
    Object.assign(pi, { status: "requires_payment_method", payment_method: null, latest_charge: charge.id, last_payment_error: error } satisfies Partial<PaymentIntent>);
    return { ...error, payment_intent: clone(pi) };
  }

  createPaymentIntent(p: Params, request: EventRequest): Answer {
    const amount = integer(p.amount, "amount", { required: true, positive: true })!;
    const currency = required(p.currency, "currency").toLowerCase();
    const customer = p.customer === undefined ? null : this.find<Customer>("customer", p.customer, "customer");
    const pm = p.payment_method === undefined ? null : this.find<PaymentMethod>("payment_method", p.payment_method, "payment_method");
    if (pm?.customer && pm.customer !== customer?.id) throw invalid(`The provided PaymentMethod ${pm.id} is attached to another Customer than ${customer?.id ?? "none"}.`, "payment_method");
    const confirm = bool(p.confirm);
    if (confirm && !pm) throw invalid("You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_method", "payment_intent_unexpected_state");
    const pi = this.newPaymentIntent(
      {
        amount,
        currency,
        customer: customer?.id ?? null,
        description: str(p.description) ?? null,
        metadata: metadataOf(p.metadata),
        payment_method: pm?.id ?? null,
        setup_future_usage: (str(p.setup_future_usage) as Stripe.PaymentIntent.SetupFutureUsage | undefined) ?? null,
        automatic: p.payment_method_types === undefined,
      },
      request,
    );
    if (!confirm) return ok(pi);
    // off_session is true, false, "one_off" or "recurring"
    const failure = this.attempt(pi, pm!, p.off_session !== undefined && p.off_session !== "false");
    return failure ? { status: 402, body: { error: failure } } : ok(pi);
  }

  // --- refunds and disputes

  private chargeToRefund(p: Params): Charge {
    if (p.charge === undefined && p.payment_intent === undefined) throw invalid("One of the following params should be provided for this request: payment_intent or charge.");
    const charge =
      p.charge !== undefined
        ? this.find<Charge>("charge", p.charge, "charge")
        : this.charges.get(idOf(this.find<PaymentIntent>("payment_intent", p.payment_intent, "payment_intent").latest_charge) ?? "");
    if (charge?.status !== "succeeded") throw invalid(`${String(p.charge ?? p.payment_intent)} has no successful charge to refund.`, p.charge !== undefined ? "charge" : "payment_intent");
    return charge;
  }

  refund(p: Params, request: EventRequest): Refund {
    const charge = this.chargeToRefund(p);
    const requested = integer(p.amount, "amount", { positive: true });
    const reason = str(p.reason);
    if (reason && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) throw invalid("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason");
    if (charge.refunded) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, "charge_already_refunded");
    if (charge.disputed) throw invalid(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, "charge_disputed");
    const left = charge.amount - charge.amount_refunded;
    const amount = requested ?? left;
    if (amount > left) {
      const what = charge.amount_refunded ? "unrefunded amount on charge" : "charge amount";
      throw invalid(`Refund amount (${money(amount, charge.currency)}) is greater than ${what} (${money(left, charge.currency)})`, "amount");
    }
    const refund = this.add(
      this.refunds,
      {
        id: newId("re"),
        object: "refund",
        amount,
        balance_transaction: newId("txn"),
        charge: charge.id,
        created: now(),
        currency: charge.currency,
        customer: idOf(charge.customer),
        metadata: metadataOf(p.metadata),
        payment_intent: idOf(charge.payment_intent),
        payment_method: idOf(charge.payment_method),
        reason: (reason as Stripe.Refund.Reason | undefined) ?? null,
        receipt_number: null,
        source_transfer_reversal: null,
        status: "succeeded",
        transfer_reversal: null,
      },
      request,
    );
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return refund;
  }

  /** charge.refunded as Stripe sends it after `refund`; previous_attributes are the charge's before it */
  private chargeRefunded(charge: Charge, refund: Refund): StripeEvent<Charge> {
    const previous = { amount_refunded: charge.amount_refunded - refund.amount, ...(charge.refunded && { refunded: false }) };
    return this.event("charge.refunded", charge, previous, this.createdBy.get(refund.id));
  }

  refundEvent(chargeId: string): StripeEvent<Charge> {
    const charge = this.must(this.charges, chargeId);
    const latest = [...this.refunds.values()].filter((r) => r.charge === chargeId).at(-1);
    if (!latest) throw new Error(`${chargeId} has no refund`);
    return this.chargeRefunded(charge, latest);
  }

  refundFromDashboard(chargeOrPaymentIntentId: string, amount?: number): StripeEvent<Charge> {
    const target = chargeOrPaymentIntentId.startsWith("pi_") ? { payment_intent: chargeOrPaymentIntentId } : { charge: chargeOrPaymentIntentId };
    // the Dashboard calls the API itself: the event names its request, with no key of the hub's
    const refund = this.refund({ ...target, ...(amount !== undefined && { amount: String(amount) }) }, { id: newId("req"), idempotency_key: null });
    return this.chargeRefunded(this.charges.get(idOf(refund.charge)!)!, refund);
  }

  dispute(chargeId: string, amount?: number): StripeEvent<Dispute> {
    const charge = this.must(this.charges, chargeId);
    if (charge.status !== "succeeded") throw new Error(`${chargeId} did not succeed: there is nothing to dispute`);
    const created = now();
    const dispute = this.add(this.disputes, {
      id: newId("du"),
      object: "dispute",
      amount: amount ?? charge.amount,
      balance_transactions: [],
      charge: charge.id,
      created,
      currency: charge.currency,
      enhanced_eligibility_types: [],
      evidence_details: { due_by: created + 7 * 24 * 3600, has_evidence: false, past_due: false, submission_count: 0 },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: idOf(charge.payment_intent),
      reason: "fraudulent",
      status: "needs_response",
    });
    charge.disputed = true;
    return this.event("charge.dispute.created", dispute);
  }

  closeDispute(disputeId: string, outcome: "won" | "lost"): StripeEvent<Dispute> {
    const dispute = this.must(this.disputes, disputeId);
    const previous = { status: dispute.status };
    dispute.status = outcome;
    return this.event("charge.dispute.closed", dispute, previous);
  }

  // --- events

  paymentIntentEvent(paymentIntentId: string, type: "payment_intent.succeeded" | "payment_intent.payment_failed"): StripeEvent<PaymentIntent> {
    const pi = this.must(this.paymentIntents, paymentIntentId);
    const fits = type === "payment_intent.succeeded" ? pi.status === "succeeded" : pi.status === "requires_payment_method" && pi.last_payment_error;
    if (!fits) throw new Error(`${paymentIntentId} is ${pi.status}${pi.last_payment_error ? " after a failure" : ""}: Stripe would not send ${type}`);
    return this.event(type, pi, undefined, this.createdBy.get(pi.id));
  }

  /** An event carrying a snapshot of the object; previous_attributes where the change has them (Stripe sends them beyond `*.updated` too). */
  event<T>(type: string, object: T, previous?: Record<string, unknown>, request = AUTOMATIC): StripeEvent<T> {
    return {
      id: newId("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { ...request },
      data: { object: clone(object), ...(previous && { previous_attributes: previous }) },
    };
  }

  eventAbout(type: string, objectId: string, previous?: Record<string, unknown>): StripeEvent {
    const object = this.objects.get(objectId);
    if (!object) throw new Error(`the fake Stripe has no ${objectId}`);
    return this.event(type, object, previous);
  }

  // --- expand

  /** Replaces the ids at each dotted path with the objects (a copy: what is stored keeps ids), as `expand[]` does. */
  expand(body: unknown, paths: string[]): unknown {
    const root = clone(body) as Params;
    for (const path of paths) this.expandPath(root, path.split("."), path);
    return root;
  }

  private expandPath(node: Params, [field, ...rest]: string[], path: string) {
    const value = node[field!];
    if (value === null) return;
    if (typeof value === "string" && this.objects.has(value)) node[field!] = clone(this.objects.get(value));
    else if (!value || typeof value !== "object") throw invalid(`This property cannot be expanded (${path}).`);
    if (!rest.length) return;
    const next = node[field!];
    for (const child of Array.isArray(next) ? next : [next]) this.expandPath(child as Params, rest, path);
  }
}

// ---------------------------------------------------------------------------------------------------
// the HTTP side

interface Call {
  params: Params;
  /** this request, as events it causes will name it */
  request: EventRequest;
  match: RegExpExecArray;
}
const ROUTES: Array<{ method: string; path: RegExp; run(state: StripeState, call: Call): Answer }> = [
  { method: "POST", path: /^\/v1\/customers$/, run: (s, c) => ok(s.createCustomer(c.params, c.request)) },
  { method: "POST", path: /^\/v1\/customers\/([^/]+)$/, run: (s, c) => ok(s.updateCustomer(c.match[1]!, c.params)) },
  { method: "GET", path: /^\/v1\/customers\/([^/]+)\/payment_methods$/, run: (s, c) => ok(s.listPaymentMethods(c.match[1]!)) },
  { method: "POST", path: /^\/v1\/checkout\/sessions$/, run: (s, c) => ok(s.createSession(c.params, c.request)) },
  { method: "POST", path: /^\/v1\/payment_intents$/, run: (s, c) => s.createPaymentIntent(c.params, c.request) },
  { method: "POST", path: /^\/v1\/refunds$/, run: (s, c) => ok(s.refund(c.params, c.request)) },
  {
    method: "GET",
    path: new RegExp(`^/v1/(${Object.keys(COLLECTIONS).join("|")})/([^/]+)$`),
    run: (s, c) => {
      const { object, param } = COLLECTIONS[c.match[1]!]!;
      return ok(s.find(object, c.match[2], param, 404));
    },
  },
];

/** Stripe's idempotency: a key's first result is kept and replayed; the key with other parameters or on another endpoint is refused. */
class IdempotencyKeys {
  private readonly seen = new Map<string, { endpoint: string; params: string; answer: Answer; requestId: string }>();

  /** the answer to send for a key used before (the replay, or the refusal), or undefined for a new key */
  replay(key: string, endpoint: string, params: Params): { answer: Answer; headers: Record<string, string> } | undefined {
    const seen = this.seen.get(key);
    if (!seen) return undefined;
    const refuse = (message: string) => ({ answer: { status: 400, body: { error: { type: "idempotency_error", message } } }, headers: {} });
    const retry = `Try using a key other than '${key}' if you meant to execute a different request.`;
    if (seen.endpoint !== endpoint) return refuse(`Keys for idempotent requests can only be used for the same endpoint they were first used for ('${endpoint}' vs '${seen.endpoint}'). ${retry}`);
    if (seen.params !== canonical(params)) return refuse(`Keys for idempotent requests can only be used with the same parameters they were first used with. ${retry}`);
    return { answer: seen.answer, headers: { "idempotent-replayed": "true", "original-request": seen.requestId } };
  }

  store(key: string, endpoint: string, params: Params, answer: Answer, requestId: string) {
    this.seen.set(key, { endpoint, params: canonical(params), answer: clone(answer), requestId });
  }
}

function authenticate(authorization: string | undefined, secretKey: string): Answer | null {
  if (authorization === `Bearer ${secretKey}`) return null;
  const given = authorization?.replace(/^Bearer /, "") ?? "";
  const message = authorization
    ? `Invalid API Key provided: ${given.slice(0, 8)}${"*".repeat(Math.max(given.length - 12, 0))}${given.slice(-4)}`
    : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
  return { status: 401, body: { error: { type: "invalid_request_error", message } } };
}

function serve(x: FakeExchange, state: StripeState, keys: IdempotencyKeys, secretKey: string) {
  const requestId = newId("req");
  const method = x.req.method ?? "GET";
  // Stripe ignores keys on GET (reading is idempotent anyway), and echoes the key it honoured
  const key = method === "POST" ? str(x.req.headers["idempotency-key"]) : undefined;
  const baseHeaders = { "request-id": requestId, "stripe-version": String(x.req.headers["stripe-version"] ?? API_VERSION), ...(key && { "idempotency-key": key }) };
  const send = (answer: Answer, headers: Record<string, string> = {}) => x.json(answer.status, answer.body, { ...baseHeaders, ...headers });

  const refused = authenticate(x.req.headers.authorization, secretKey);
  if (refused) return send(refused);
  const path = x.url.pathname;
  const params = parseForm(method === "GET" ? x.url.search.slice(1) : x.raw.toString("utf8"));
  const endpoint = `${method} ${path}`;
  const replay = key ? keys.replay(key, endpoint, params) : undefined;
  if (replay) return send(replay.answer, replay.headers);

  let answer: Answer | undefined;
  try {
    for (const route of ROUTES) {
      const match = route.method === method ? route.path.exec(path) : null;
      if (!match) continue;
      answer = route.run(state, { params, request: { id: requestId, idempotency_key: key ?? null }, match });
      break;
    }
    if (!answer) throw invalid(`Unrecognized request URL (${method}: ${path}).`, undefined, undefined, 404);
    if (answer.status === 200 && params.expand !== undefined) answer = ok(state.expand(answer.body, [params.expand].flat().map(String)));
  } catch (error) {
    if (error instanceof ApiError) return send({ status: error.status, body: { error: error.error } });
    throw error;
  }
  if (key) keys.store(key, endpoint, params, answer, requestId);
  send(answer);
}

/** A fixed port and key let a server started beforehand (the e2e run) be configured with them. */
export async function startFakeStripe(options: { port?: number; secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${token()}`;
  const state = new StripeState();
  const keys = new IdempotencyKeys();
  const server = await startHttpFake((x) => serve(x, state, keys, secretKey), { port: options.port });
  return {
    url: server.origin,
    secretKey,
    requests: server.requests,
    customers: state.customers,
    sessions: state.sessions,
    paymentIntents: state.paymentIntents,
    charges: state.charges,
    refunds: state.refunds,
    invoices: state.invoices,
    setupIntents: state.setupIntents,
    paymentMethods: state.paymentMethods,
    disputes: state.disputes,
    createdBy: state.createdBy,
    pay: (sessionId, card) => state.pay(sessionId, card),
    completeSetup: (sessionId, card) => state.completeSetup(sessionId, card),
    saveCard: (customerId, card) => state.saveCard(state.find<Customer>("customer", customerId, "customer").id, card),
    paymentIntentEvent: (id, type) => state.paymentIntentEvent(id, type),
    refundEvent: (chargeId) => state.refundEvent(chargeId),
    refundFromDashboard: (id, amount) => state.refundFromDashboard(id, amount),
    dispute: (chargeId, amount) => state.dispute(chargeId, amount),
    closeDispute: (id, outcome) => state.closeDispute(id, outcome),
    event: (type, objectId, previous) => state.eventAbout(type, objectId, previous),
    close: server.close,
  };
}
