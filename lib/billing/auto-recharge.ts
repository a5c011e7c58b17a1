import Stripe from "stripe";
import { z } from "zod";
import { emit } from "../alerts/emit";
import { db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { SqlParams } from "../db/sql";
import { transaction } from "../db/transaction";
import { ApiError } from "../http/api-error";
import { jobs } from "../jobs";
import { log } from "../log";
import { formatCredits, formatDecimal, MoneyFormatError, parseCredits } from "../money";
import { settings } from "../settings";
import type { BalanceMove } from "./ledger";
import { billingUrl, creditPayment, payerAccount, stripe, stripeCustomer, stripeId, type Payer } from "./stripe";

// Auto-recharge: a customer saves a card (Checkout in setup mode), sets a threshold and a package;
// when the balance falls below the threshold the worker charges the card off-session for the package.
// - once per crossing: a charge clears `armed`, and only a balance seen at or above the threshold sets
//   it again; one charge in flight per account (Payment.openFor is unique);
// - at most `autoRechargeMaxPerDay` charges per account and UTC day, and after a failure none for an hour;
// - each charge has its own Stripe idempotency key, so a retried job cannot charge twice;
// - the credits come with the charge's success (the API's answer or `payment_intent.succeeded`,
//   whichever arrives first books them); declines and authentication requests e-mail the customer, and
//   `autoRechargeMaxFailures` failures in a row turn auto-recharge off.

export const CHARGE_JOB = "recharge.charge";
const RETRY_AFTER_FAILURE_MS = 3_600_000;
const RESUME_AFTER_MS = 60_000;
const PURPOSE = "auto_recharge";

const refused = (message: string, param?: string) => new ApiError({ status: 400, type: "invalid_request_error", code: "auto_recharge_invalid", message, ...(param ? { param } : {}) });

/**
 * Auto-recharge charges one person's card for one account: their own. A team's pooled account is
 * not theirs to set (a member could raise another member's threshold and drain their card).
 */
async function ownAccount(payer: Payer): Promise<string> {
  const accountId = await payerAccount(payer);
  const account = await db().creditAccount.findUniqueOrThrow({ where: { id: accountId }, select: { userId: true } });
  if (account.userId !== payer.userId) throw refused("Auto-recharge is for personal accounts; your team's credits are topped up by purchase.");
  return accountId;
}

/** Opens Checkout in setup mode: the customer saves a card for auto-recharge without paying. */
export async function createCardSetup(payer: Payer, origin: string) {
  const accountId = await ownAccount(payer);
  const user = await db().user.findUnique({ where: { id: payer.userId }, select: { email: true } });
  const customer = await stripeCustomer(accountId, user?.email ?? null);
  const session = await stripe().checkout.sessions.create({
    mode: "setup",
    customer,
    currency: (await settings()).currency,
    metadata: { accountId, userId: payer.userId, purpose: PURPOSE },
    success_url: billingUrl(origin, "card=saved"),
    cancel_url: billingUrl(origin, "card=cancelled"),
  });
  return { id: session.id, url: session.url };
}

/** Stripe's `checkout.session.completed` for a setup session: the card becomes the account's auto-recharge card. */
export async function cardSaved(session: Stripe.Checkout.Session): Promise<boolean> {
  const accountId = session.metadata?.accountId;
  const intentId = stripeId(session.setup_intent);
  if (!accountId || !intentId) return false;
  const account = await db().creditAccount.findUnique({ where: { id: accountId }, select: { stripeCustomerId: true } });
  const customer = stripeId(session.customer);
  // a session of another customer (forged metadata on a real event of this Stripe account) saves nothing
  if (!account?.stripeCustomerId || account.stripeCustomerId !== customer) return false;
  const intent = await stripe().setupIntents.retrieve(intentId, { expand: ["payment_method"] });
  const method = intent.payment_method;
  if (!method || typeof method === "string") return false;
  const cardLabel = method.card ? `${method.card.brand} •••• ${method.card.last4}` : method.type;
  const data = { paymentMethodId: method.id, cardLabel, failures: 0, lastError: null };
  await db().autoRecharge.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });
  return true;
}

export const autoRechargeSchema = z.object({
  enabled: z.boolean(),
  thresholdCredits: z.string().trim().min(1, "is required").max(40),
  packageId: z.string().min(1, "pick a package"),
});

/** The customer's own settings; turning it on needs a saved card and a package on sale. */
export async function setAutoRecharge(payer: Payer, input: z.infer<typeof autoRechargeSchema>) {
  let threshold: bigint;
  try {
    threshold = parseCredits(input.thresholdCredits, "threshold");
  } catch (error) {
    if (error instanceof MoneyFormatError) throw refused(error.message, "thresholdCredits");
    throw error;
  }
  const pack = await db().creditPackage.findUnique({ where: { id: input.packageId } });
  if (!pack?.enabled) throw refused("That package is not on sale.", "packageId");
  const accountId = await ownAccount(payer);
  const current = await db().autoRecharge.findUnique({ where: { accountId } });
  if (input.enabled && !current?.paymentMethodId) throw refused("Save a card first.", "enabled");
  const data = { enabled: input.enabled, thresholdMicrocredits: threshold, packageId: pack.id, armed: true, ...(input.enabled ? { failures: 0, lastError: null } : {}) };
  const saved = await db().autoRecharge.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });
  if (saved.enabled) await jobs.enqueue(CHARGE_JOB, { accountId });
  return saved;
}

/** What the billing page shows. */
export async function autoRechargeOf(accountId: string | null) {
  if (!accountId) return null;
  const row = await db().autoRecharge.findUnique({ where: { accountId }, include: { package: { select: { id: true, name: true } } } });
  return row && { enabled: row.enabled, threshold: formatCredits(row.thresholdMicrocredits), packageId: row.packageId, packageName: row.package?.name ?? null, card: row.cardLabel, lastError: row.lastError };
}

/** Accounts at or above their threshold are armed again: their next fall below it is a new crossing. */
async function rearm(): Promise<void> {
  await db().$executeRaw`UPDATE "AutoRecharge" SET "armed" = true
    WHERE "armed" = false AND "thresholdMicrocredits" <= (SELECT "balanceMicrocredits" FROM "CreditAccount" WHERE "CreditAccount"."id" = "AutoRecharge"."accountId")`;
}

/**
 * The sweep (every minute; and for the accounts a usage batch lowered, right after it): queues a
 * charge for each account below its threshold.
 */
export async function sweepAutoRecharge(accountIds?: string[]): Promise<number> {
  if (!accountIds) await rearm();
  else if (!accountIds.length) return 0;
  const params = new SqlParams();
  const only = accountIds ? ` AND r."accountId" IN ${params.list(accountIds)}` : "";
  const due = await db().$queryRawUnsafe<Array<{ accountId: string }>>(
    `SELECT r."accountId" FROM "AutoRecharge" r JOIN "CreditAccount" a ON a."id" = r."accountId"
     WHERE r."enabled" = true AND r."armed" = true AND a."balanceMicrocredits" < r."thresholdMicrocredits"${only}`,
    ...params.values,
  );
  // and the charges whose job died before Stripe answered
  const stalled = accountIds ? [] : await db().payment.findMany({ where: { kind: "recharge", status: "pending", stripePaymentIntentId: null, openFor: { not: null }, createdAt: { lt: new Date(Date.now() - RESUME_AFTER_MS) } }, select: { accountId: true } });
  for (const { accountId } of [...due, ...stalled]) await jobs.enqueue(CHARGE_JOB, { accountId });
  return due.length + stalled.length;
}

/** After a usage batch: the accounts it lowered get their charge at once, not at the next sweep. Never throws. */
export async function rechargeOnMoves(moves: BalanceMove[]): Promise<void> {
  try {
    await sweepAutoRecharge(moves.filter((m) => m.afterMicrocredits < m.beforeMicrocredits).map((m) => m.accountId));
  } catch (error) {
    log.warn({ err: (error as Error).message }, "could not check the auto-recharge thresholds of a usage batch");
  }
}

const dayStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Starts this crossing's charge, or finds the one already started: a Payment row that holds the
 * account's `openFor` slot. Null when no charge is due (above the threshold, no card, the day's
 * limit reached, a recent failure, or another job took the crossing).
 */
async function openCharge(accountId: string, now: Date) {
  const open = await db().payment.findUnique({ where: { openFor: accountId } });
  // a charge another job started is its own; one left without an answer for a while (its job died
  // between the row and Stripe's answer) is started again, under the same idempotency key
  if (open) return open.status === "pending" && !open.stripePaymentIntentId && open.createdAt.getTime() < now.getTime() - RESUME_AFTER_MS ? open : null;
  const { autoRechargeMaxPerDay } = await settings();
  return transaction(async (tx) => {
    const recharge = await tx.autoRecharge.findUnique({ where: { accountId }, include: { package: true, account: { select: { balanceMicrocredits: true, userId: true } } } });
    if (!recharge?.enabled || !recharge.armed || !recharge.paymentMethodId || !recharge.package?.enabled) return null;
    if (recharge.account.balanceMicrocredits >= recharge.thresholdMicrocredits) return null;
    const today = await tx.payment.count({ where: { accountId, kind: "recharge", createdAt: { gte: dayStart(now) } } });
    if (today >= autoRechargeMaxPerDay) return null;
    const lastFailure = await tx.payment.findFirst({ where: { accountId, kind: "recharge", status: { in: ["failed", "requires_action"] }, createdAt: { gte: new Date(now.getTime() - RETRY_AFTER_FAILURE_MS) } }, select: { id: true } });
    if (lastFailure) return null;
    // the crossing is this job's only if it is the one to disarm it
    const disarmed = await tx.autoRecharge.updateMany({ where: { accountId, armed: true }, data: { armed: false } });
    if (disarmed.count === 0) return null;
    const pack = recharge.package;
    return tx.payment.create({
      data: { kind: "recharge", openFor: accountId, accountId, userId: recharge.account.userId, packageId: pack.id, amountCents: pack.priceCents, currency: pack.currency, creditsMicrocredits: pack.creditsMicrocredits },
    });
  }).catch((error: unknown) => {
    // another charge holds the account's slot
    if (isUniqueViolation(error)) return null;
    throw error;
  });
}

/** The job: charges the saved card for one crossing. Safe to run any number of times. */
export async function chargeAutoRecharge(accountId: string, now = new Date()): Promise<"charged" | "failed" | "pending" | "skipped"> {
  const payment = await openCharge(accountId, now);
  if (!payment) return "skipped";
  const recharge = await db().autoRecharge.findUniqueOrThrow({ where: { accountId } });
  const customer = (await db().creditAccount.findUniqueOrThrow({ where: { id: accountId } })).stripeCustomerId;
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe().paymentIntents.create(
      {
        amount: payment.amountCents,
        currency: payment.currency,
        customer: customer!,
        payment_method: recharge.paymentMethodId!,
        off_session: true,
        confirm: true,
        description: "Auto-recharge",
        metadata: { paymentId: payment.id, accountId, purpose: PURPOSE },
      },
      { idempotencyKey: `recharge:${payment.id}` },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) throw error; // the job retries with the same key
    await chargeFailed(payment.id, error.payment_intent?.id ?? null, error.code === "authentication_required" ? "requires_action" : "failed", error.message);
    return "failed";
  }
  await db().payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: intent.id } });
  if (intent.status === "succeeded") {
    await creditPayment({ id: payment.id }, intent.id);
    return "charged";
  }
  if (intent.status === "requires_action" || intent.status === "requires_payment_method") {
    await chargeFailed(payment.id, intent.id, "requires_action", "Your bank asks you to confirm this payment.");
    return "failed";
  }
  // processing: `payment_intent.succeeded` or `.payment_failed` settles it
  return "pending";
}

/**
 * A charge that did not pay: the payment fails (once), the account's slot frees, the failure counts,
 * and the customer (and the operator's channels) hear of it. At the limit auto-recharge turns off.
 */
async function chargeFailed(paymentId: string, intentId: string | null, status: "failed" | "requires_action", message: string): Promise<void> {
  const { autoRechargeMaxFailures } = await settings();
  const outcome = await transaction(async (tx) => {
    const moved = await tx.payment.updateMany({ where: { id: paymentId, status: "pending" }, data: { status, openFor: null, failureMessage: message, ...(intentId ? { stripePaymentIntentId: intentId } : {}) } });
    if (moved.count === 0) return null;
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId }, include: { user: { select: { id: true, email: true } } } });
    const recharge = await tx.autoRecharge.update({ where: { accountId: payment.accountId }, data: { failures: { increment: 1 }, lastError: message, armed: true } });
    const disabled = recharge.failures >= autoRechargeMaxFailures;
    if (disabled) await tx.autoRecharge.update({ where: { accountId: payment.accountId }, data: { enabled: false, lastError: `Turned off after ${recharge.failures} failed charges in a row. Last: ${message}` } });
    return { payment, disabled };
  });
  if (!outcome) return;
  const { payment, disabled } = outcome;
  log.info({ paymentId, status, disabled }, "auto-recharge charge failed");
  const data = {
    paymentId,
    accountId: payment.accountId,
    customer: payment.user?.email ?? null,
    amount: formatDecimal(BigInt(payment.amountCents), 2),
    currency: payment.currency,
    reason: message,
    needsAction: status === "requires_action",
    disabled,
  };
  emit("recharge.failed", data, { dedupKey: `recharge:${paymentId}:failed` });
  if (payment.user) emit("recharge.failed", data, { dedupKey: `recharge:${paymentId}:failed`, userId: payment.user.id });
}

const isRecharge = (intent: Stripe.PaymentIntent) => intent.metadata?.purpose === PURPOSE && !!intent.metadata.paymentId;

/** Stripe's `payment_intent.succeeded` for an auto-recharge: its credits (once). */
export async function rechargeSucceeded(intent: Stripe.PaymentIntent): Promise<boolean> {
  if (!isRecharge(intent)) return false;
  const payment = await db().payment.findUnique({ where: { id: intent.metadata.paymentId! } });
  // only the charge this payment made, for what it asked
  if (payment?.kind !== "recharge" || (payment.stripePaymentIntentId ?? intent.id) !== intent.id || intent.amount_received < payment.amountCents) return false;
  return (await creditPayment({ id: payment.id }, intent.id)) === "credited";
}

/** Stripe's `payment_intent.payment_failed` for an auto-recharge. */
export async function rechargeFailed(intent: Stripe.PaymentIntent): Promise<boolean> {
  if (!isRecharge(intent)) return false;
  await chargeFailed(intent.metadata.paymentId!, intent.id, "failed", intent.last_payment_error?.message ?? "The card was declined.");
  return true;
}
