import type { TokenUsage } from "../billing/cost";
import { providerCost } from "../billing/cost";
import { log } from "../log";
import type { ModelPrice } from "./registry";
import { lifecycle } from "./lifecycle";
import { observeCall, observeOverrun } from "../metrics";
import type { Budget, Principal } from "./authenticate";
import { chargeFor } from "../billing/charge";
import type { Settlement } from "../billing/holds";
import { releaseHolds } from "../billing/hold-backend";
import { countRemainingTokens, type RateState } from "./rate-limit";
import type { Mode } from "../settings";
import { usageWriter } from "./usage-writer";
import { uuidv7 } from "../ids";

export type Endpoint = "chat" | "messages" | "responses" | "aigne-hub" | "embeddings" | "images" | "models" | "billing" | "admin-api" | "me-api";

/** Where a call was routed (its last attempt), as recorded on its usage event. */
export interface RouteFacts {
  modelId: string | null;
  deploymentId: string | null;
  providerId: string;
  providerName: string;
  credentialId: string | null;
  upstreamModel: string;
  price: ModelPrice | null;
}

const MAX_ERROR_MESSAGE = 500;

export interface Billing {
  mode: Mode;
  creditPriceNanoUsd: bigint;
  /** the credit account charged (Service Provider mode) */
  accountId: string | null;
  /** Enterprise budgets the cost counts against */
  budgets: Budget[];
  /** holds were placed and must be released */
  held: boolean;
  /** what was held: the most the call may cost (budgets) and be charged (credits), whatever the upstream reports */
  maxCostNanoUsd: bigint;
  maxChargeMicrocredits: bigint;
}

/**
 * Everything the meter needs to know about one call, filled in as the pipeline runs. `finish` is
 * idempotent: it queues exactly one usage event (for authenticated calls that named a model) and
 * releases the call's in-flight slot.
 */
export class CallRecord {
  readonly requestId = uuidv7();
  readonly startedAt = new Date();
  private readonly startMs = performance.now();
  principal: Principal | null = null;
  requestedModel: string | null = null;
  route: RouteFacts | null = null;
  stream = false;
  /** a stream is being relayed to the client (the relay owns cancelling the upstream) */
  relaying = false;
  usage: TokenUsage | null = null;
  usageSource: "upstream" | "estimated" = "upstream";
  /** images generated */
  images = 0;
  /** upstream attempts made (fallbacks included) */
  attempts = 0;
  /** how the call is billed, decided by the policy step before the upstream call */
  billing: Billing | null = null;
  /** the rate-limit windows the call was counted in (and the headers that tell the client) */
  rate: RateState | null = null;
  /** prompt tokens estimated at admission (already counted against tokens-per-minute limits) */
  promptEstimate: number | null = null;
  private firstByteMs: number | null = null;
  private finished = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly admitted: boolean,
  ) {}

  markFirstByte(): void {
    this.firstByteMs ??= performance.now() - this.startMs;
  }

  /** Provider cost of the call so far, in nano-USD (0 when the model has no price). */
  cost(): bigint {
    const price = this.route?.price;
    if (!price) return 0n;
    const tokens = this.usage ? providerCost(this.usage, price) : 0n;
    return tokens + BigInt(this.images) * (price.imageNanoUsd ?? 0n);
  }

  /**
   * What the customer pays for the call, in micro-credits (Service Provider mode only): never more than
   * its hold. An upstream that ignored the cap, or a prompt that outgrew its estimate, costs the
   * operator the difference (logged and metered when the call is recorded), not the customer.
   */
  charge(): bigint {
    const price = this.route?.price;
    if (this.billing?.mode !== "service_provider" || !this.billing.accountId || !price) return 0n;
    const charge = chargeFor(this.cost(), price.marginBps, this.billing.creditPriceNanoUsd);
    return charge < this.billing.maxChargeMicrocredits ? charge : this.billing.maxChargeMicrocredits;
  }

  /** What counts against Enterprise budgets: the cost, never more than the hold. */
  private budgetCost(cost: bigint): bigint {
    const held = this.billing?.maxCostNanoUsd ?? cost;
    return cost < held ? cost : held;
  }

  finish(status: number, error?: { code: string | null; message: string }): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.record(status, error);
    } finally {
      // after the event is queued, so a draining shutdown flushes it
      if (this.admitted) lifecycle.release();
    }
  }

  private record(status: number, error?: { code: string | null; message: string }): void {
    if (!this.principal || !this.requestedModel) return;
    const latencyMs = Math.round(performance.now() - this.startMs);
    const usage = this.usage;
    const ttfbMs = this.firstByteMs === null ? (status < 400 ? latencyMs : null) : Math.round(this.firstByteMs);
    // the one log line per call: ids and numbers, never keys or content
    log.info(
      {
        requestId: this.requestId,
        key: this.principal.keyPrefix,
        model: this.requestedModel,
        provider: this.route?.providerName,
        attempts: this.attempts,
        status,
        latencyMs,
        ttfbMs,
        promptTokens: usage?.promptTokens,
        completionTokens: usage?.completionTokens,
        errorCode: error?.code,
      },
      "call",
    );
    const cost = this.cost();
    const charge = this.charge();
    observeCall({
      endpoint: this.endpoint,
      status,
      latencyMs,
      ttfbMs,
      model: this.requestedModel,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      costNanoUsd: cost,
    });
    const billing = this.billing;
    if (billing && this.route?.price && cost > billing.maxCostNanoUsd) {
      // the upstream billed more than the call was held for: the customer pays the hold, the operator the rest
      const overrun = cost - billing.maxCostNanoUsd;
      log.warn({ requestId: this.requestId, model: this.requestedModel, provider: this.route.providerName, costNanoUsd: String(cost), heldNanoUsd: String(billing.maxCostNanoUsd) }, "call cost more than its hold; charged the hold");
      observeOverrun(this.requestedModel, overrun);
    }
    // holds are released and the real amounts booked with the batched write of this event
    const settlement: Settlement | null =
      billing && (billing.held || charge > 0n || (billing.budgets.length > 0 && cost > 0n))
        ? { requestId: this.requestId, accountId: billing.accountId, chargeMicrocredits: charge, budgets: billing.budgets, costNanoUsd: this.budgetCost(cost), startedAt: this.startedAt }
        : null;
    if (this.rate && usage) {
      // the prompt estimate was counted at admission; the rest of the tokens now
      const extra = usage.promptTokens + usage.completionTokens - (this.promptEstimate ?? 0);
      countRemainingTokens(this.rate, extra).catch((e: Error) => log.warn({ requestId: this.requestId, err: e.message }, "could not count tokens for rate limits"));
    }
    // holds in Redis or in memory are released at once; the database books the amounts with the event
    if (settlement) releaseHolds(settlement, billing!.held);
    usageWriter.push({
      requestId: this.requestId,
      endpoint: this.endpoint,
      stream: this.stream,
      apiKeyId: this.principal.keyId,
      userId: this.principal.userId,
      teamId: this.principal.teamId,
      requestedModel: this.requestedModel,
      modelId: this.route?.modelId ?? null,
      providerId: this.route?.providerId ?? null,
      providerName: this.route?.providerName ?? null,
      credentialId: this.route?.credentialId ?? null,
      deploymentId: this.route?.deploymentId ?? null,
      attempts: this.attempts,
      upstreamModel: this.route?.upstreamModel ?? null,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      cachedTokens: usage?.cachedTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      images: this.images,
      usageSource: this.usageSource,
      costNanoUsd: cost,
      chargeMicrocredits: charge,
      latencyMs,
      ttfbMs,
      status,
      errorCode: error?.code ?? null,
      errorMessage: error ? error.message.slice(0, MAX_ERROR_MESSAGE) : null,
      startedAt: this.startedAt,
    }, settlement);
  }
}
