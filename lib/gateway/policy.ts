import { emitOnce } from "../alerts/emit";
import { budgetPeriod } from "../billing/budgets";
import { maxCost, type MaxUsage } from "../billing/cost";
import { formatCredits, formatUsd } from "../money";
import { chargeFor } from "../billing/charge";
import { placeHolds } from "../billing/hold-backend";
import { sellsBelowCost } from "../billing/price-components";
import type { HoldRefusal } from "../billing/holds";
import { env } from "../env";
import { log } from "../log";
import { settings, type Settings } from "../settings";
import type { Budget } from "../billing/budgets";
import type { CallContext } from "./context";
import { ApiError } from "../http/api-error";
import { checkRateLimits } from "./rate-limit";
import type { RoutePlan } from "./route";

// The policy step: before the upstream call, decide how the call is billed and hold its maximum
// price — credits in Service Provider mode, budget in Enterprise mode — so concurrent calls cannot
// spend what is not there. The call proceeds only when every hold was placed.

/** A model's output settings (both optional). */
export interface OutputLimits {
  maxOutputTokens: number | null;
  defaultOutputTokens: number | null;
}

/**
 * The output tokens a call is held for — and, being what it is held for, the cap it is sent upstream
 * with: what it asks for, never above its model's maximum (a larger ask is clamped, not refused);
 * without an ask, the model's default output (HUB_DEFAULT_MAX_OUTPUT_TOKENS when the model sets
 * none), never above its maximum either.
 */
export function heldOutputTokens(requested: number | null | undefined, model: OutputLimits | null | undefined): number {
  const max = model?.maxOutputTokens ?? Number.POSITIVE_INFINITY;
  return Math.min(requested ?? model?.defaultOutputTokens ?? env().HUB_DEFAULT_MAX_OUTPUT_TOKENS, max);
}

/**
 * Output tokens held per image of a token-priced image model that sets no maximum: image APIs take no
 * output cap, so the hold covers the dearest image — gpt-image-1 at high quality, 1536×1024 (6,240).
 */
export const DEAREST_IMAGE_TOKENS = 6240;

function nextMonth(now = new Date()) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

function refused(refusal: HoldRefusal, topUpUrl: string, balanceHint: string): ApiError {
  if (refusal.pot === "credit") {
    return new ApiError({
      status: 402,
      type: "insufficient_credits",
      code: "insufficient_credits",
      message: `Your credit balance is too low for this call (${balanceHint}). Top up to continue.`,
      extra: { top_up_url: topUpUrl },
    });
  }
  const { budget, spentNanoUsd } = refusal;
  const names: Record<Budget["scope"], string> = { key: "API key", user: "user", team: "team" };
  return new ApiError({
    status: 429,
    type: "insufficient_quota",
    code: "budget_exceeded",
    message: `The monthly budget of ${names[budget.scope]} '${budget.label}' ($${formatUsd(budget.limitNanoUsd)}) is used up ($${formatUsd(spentNanoUsd)} spent); it resets on ${nextMonth()}.`,
  });
}

/**
 * A price the price guard found selling below the provider's cost is not sold while the operator
 * refuses such calls (refuseBelowCost): checked against the caller's own price (their group's margin)
 * from the snapshot, so a price fixed since then sells again at once. The customer learns the model
 * is not on sale, not why.
 */
function refuseBelowCost(plan: RoutePlan, config: Settings): void {
  if (!config.refuseBelowCost || !plan.model || !plan.price || sellsBelowCost(plan.price, plan.model.costFloor).length === 0) return;
  throw new ApiError({
    status: 403,
    type: "permission_error",
    code: "model_not_for_sale",
    param: "model",
    message: `The model '${plan.requested}' is not on sale right now; try another model or ask the hub's operator.`,
  });
}

/**
 * Counts the call against its rate limits and places its holds, or throws the 402 / 429 the client
 * gets. The two are independent, so they run together (with Redis: one round trip, not two); a hold
 * placed for a call the rate limit refuses is released when the call record settles, like any other.
 * A hold outlives its call only by `holdTtlMs` (a video job's, as long as the job may run).
 */
export async function admit(ctx: CallContext, plan: RoutePlan, max: MaxUsage, options: { holdTtlMs?: number } = {}): Promise<void> {
  const config = await settings();
  const topUpUrl = config.topUpUrl ?? `${ctx.origin}/billing`;
  const { principal, call } = ctx;
  const paid = config.mode === "service_provider";
  call.promptEstimate = max.promptTokens;
  if (paid && !plan.price) {
    throw new ApiError({ status: 503, type: "service_unavailable", code: "model_not_priced", message: `The model '${plan.requested}' has no price yet; an administrator must set one.` });
  }
  if (paid) refuseBelowCost(plan, config);
  const cost = plan.price ? maxCost(plan.price, max) : 0n;
  const credit = paid ? chargeFor(cost, plan.price!.marginBps, config.creditPriceNanoUsd) : 0n;
  call.billing = {
    mode: config.mode,
    creditPriceNanoUsd: config.creditPriceNanoUsd,
    accountId: paid ? principal.creditAccountId : null,
    budgets: paid ? [] : principal.budgets,
    held: false,
    maxCostNanoUsd: cost,
    maxChargeMicrocredits: credit,
  };
  if (paid && !principal.creditAccountId) throw refused({ pot: "credit" }, topUpUrl, "no credits yet");
  const budgets = call.billing.budgets.map((budget) => ({ budget, nanoUsd: cost }));
  const holding = !paid && (budgets.length === 0 || cost === 0n)
    ? null
    : placeHolds({
        requestId: call.requestId,
        credit: paid ? { accountId: principal.creditAccountId!, microcredits: credit } : null,
        budgets,
        expiresAt: new Date(Date.now() + (options.holdTtlMs ?? env().HUB_HOLD_TTL_MS)),
      });
  const [rate, hold] = await Promise.allSettled([checkRateLimits(principal, max.promptTokens), holding]);
  if (hold.status === "fulfilled" && holding && !hold.value) call.billing.held = true;
  if (rate.status === "rejected") throw rate.reason;
  call.rate = rate.value;
  if (hold.status === "rejected") {
    // no call goes upstream unpaid: without the holds store, refuse clearly and fast
    log.error({ requestId: call.requestId, err: (hold.reason as Error).message }, "could not place holds");
    throw new ApiError({ status: 503, type: "service_unavailable", code: "billing_unavailable", message: "The hub cannot check balances right now; retry shortly.", headers: { "retry-after": "1" } });
  }
  if (hold.value?.pot === "budget") budgetUsedUp(hold.value);
  if (hold.value) throw refused(hold.value, topUpUrl, `this call may cost up to ${formatCredits(credit)} credits`);
}

/**
 * A budget that refuses a call is used up, as far as anyone using it can tell: its 100 % alert. (Holds
 * keep spending from ever passing the limit, so settled spending reaches 100 % only exactly.)
 */
function budgetUsedUp({ budget, spentNanoUsd }: Extract<HoldRefusal, { pot: "budget" }>): void {
  const month = budgetPeriod(new Date());
  emitOnce(
    "budget.threshold",
    { scope: budget.scope, scopeId: budget.scopeId, label: budget.label, month, percent: 100, spentUsd: formatUsd(spentNanoUsd), limitUsd: formatUsd(budget.limitNanoUsd) },
    { dedupKey: `budget:${budget.scope}:${budget.scopeId}:${month}:100` },
  );
}
