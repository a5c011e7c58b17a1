import { callCharge, callCost, settleCall, type Billing, type Metered } from "../billing/settle";
import { NO_UNITS, type Units } from "../billing/cost";
import type { ModelPrice } from "../billing/cost";
import type { TokenUsage } from "../canonical/usage";
import { uuidv7 } from "../ids";
import type { CallTrace } from "../telemetry/types";
import { lifecycle } from "../lifecycle";
import { log } from "../log";
import type { CapturedBodies } from "../logging/bodies";
import { bodyWriter } from "../logging/body-writer";
import type { Reply } from "../http/reply";
import { counter, histogram, SECONDS } from "../metrics";
import type { Principal } from "./authenticate";
import { countRemainingTokens, type RateState } from "./rate-limit";

export type Endpoint = "chat" | "messages" | "responses" | "aigne-hub" | "embeddings" | "images" | "audio" | "moderations" | "videos" | "models" | "billing" | "admin-api" | "me-api";

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

const requests = counter({ name: "hub_requests_total", help: "Calls answered, by endpoint and HTTP status", labelNames: ["endpoint", "status"] });
const duration = histogram({ name: "hub_request_duration_seconds", help: "Time from request to the last byte", labelNames: ["endpoint"], buckets: SECONDS });
const ttfb = histogram({ name: "hub_ttfb_seconds", help: "Time from request to the first byte of the answer", labelNames: ["endpoint"], buckets: SECONDS });
const tokens = counter({ name: "hub_tokens_total", help: "Tokens metered, by model and direction", labelNames: ["model", "direction"] });
const costs = counter({ name: "hub_cost_usd_total", help: "Provider cost metered, in USD (the ledger keeps the exact amounts)", labelNames: ["model"] });

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
  /** what the call used besides tokens: images generated, audio transcribed, characters spoken */
  units: Units = { ...NO_UNITS };
  /** upstream attempts made (fallbacks included) */
  attempts = 0;
  /** how the call is billed, decided by the policy step before the upstream call */
  billing: Billing | null = null;
  /** the rate-limit windows the call was counted in (and the headers that tell the client) */
  rate: RateState | null = null;
  /** prompt tokens estimated at admission (already counted against tokens-per-minute limits) */
  promptEstimate: number | null = null;
  /** answered from the response cache: the price and model it is billed by, and the share of the normal charge (ppm) */
  cacheHit: { price: ModelPrice | null; modelId: string | null; billedPpm: bigint } | null = null;
  /** the call's OpenTelemetry spans, when tracing is on */
  trace: CallTrace | null = null;
  /** the request and answer, kept only when the caller's log level is "bodies" */
  bodies: CapturedBodies | null = null;
  private firstByteMs: number | null = null;
  private finished = false;
  /** what holds resources for the call's whole life (an upstream in-flight slot) and frees them at its end */
  private finishers: (() => void)[] = [];
  /** the call's money is settled by something that outlives it (a video job): it records no usage event */
  private handedOff = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly admitted: boolean,
  ) {}

  /** Keeps the parsed request for the log when the caller logs bodies (nothing is done otherwise). */
  keepRequestBody(body: unknown): void {
    if (this.principal?.logLevel === "bodies" && body !== undefined) this.bodies = { request: body, response: undefined };
  }

  /** Keeps a JSON answer for the log, if the request was kept. */
  keepResponseBody(reply: Reply): void {
    if (this.bodies && "json" in reply.body) this.bodies.response = reply.body.json;
  }

  markFirstByte(): void {
    this.firstByteMs ??= performance.now() - this.startMs;
  }

  /** What the call used so far, at its route's price, and how it is billed. */
  private metered(): Metered {
    return { price: this.price, usage: this.usage, units: this.units, billing: this.billing, cachedPpm: this.cacheHit?.billedPpm };
  }

  /** The price the call is billed at (null: unpriced, or not routed yet). */
  get price(): ModelPrice | null {
    return this.route?.price ?? this.cacheHit?.price ?? null;
  }

  /** Provider cost of the call so far, in nano-USD (0 when the model has no price). */
  cost(): bigint {
    return callCost(this.metered());
  }

  /** What the customer pays for the call so far, in micro-credits: never more than its hold. */
  charge(): bigint {
    return callCharge(this.metered());
  }

  /**
   * What the call holds is settled later, elsewhere (a video job settles the hold when it ends, under
   * this call's request id): finishing the call then counts and logs it but books nothing.
   */
  handOff(): void {
    this.handedOff = true;
  }

  /** Runs `release` when the call finishes (at once if it has). */
  whenFinished(release: () => void): void {
    if (this.finished) release();
    else this.finishers.push(release);
  }

  finish(status: number, error?: { code: string | null; message: string }): void {
    if (this.finished) return;
    this.finished = true;
    for (const release of this.finishers.splice(0)) release();
    const latencyMs = Math.round(performance.now() - this.startMs);
    const ttfbMs = this.firstByteMs === null ? (status < 400 ? latencyMs : null) : Math.round(this.firstByteMs);
    try {
      this.record(status, latencyMs, ttfbMs, error);
    } finally {
      if (this.trace) this.endTrace(this.trace, status, ttfbMs, error);
      // after the event is queued, so a draining shutdown flushes it
      if (this.admitted) lifecycle.release();
    }
  }

  private endTrace(trace: CallTrace, status: number, ttfbMs: number | null, error?: { code: string | null; message: string }): void {
    const usage = this.usage;
    const priced = this.price !== null;
    trace.finish({
      requestId: this.requestId,
      requestedModel: this.requestedModel,
      status,
      errorCode: error?.code ?? null,
      attempts: this.attempts,
      stream: this.stream,
      ttfbMs,
      inputTokens: usage?.promptTokens ?? null,
      outputTokens: usage?.completionTokens ?? null,
      cachedInputTokens: usage?.cachedTokens ?? null,
      usageSource: this.usageSource,
      costUsd: priced ? Number(this.cost()) / 1e9 : null,
      chargeCredits: priced && this.billing?.mode === "service_provider" ? Number(this.charge()) / 1e6 : null,
    });
  }

  private record(status: number, latencyMs: number, ttfbMs: number | null, error?: { code: string | null; message: string }): void {
    if (!this.principal || !this.requestedModel) return;
    const usage = this.usage;
    const logged = this.principal.logLevel !== "off";
    // the one log line per call: ids and numbers, never keys or content
    if (logged) log.info(
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
    const metered = this.metered();
    const cost = callCost(metered);
    const model = this.requestedModel;
    requests.inc({ endpoint: this.endpoint, status: String(status) });
    duration.observe({ endpoint: this.endpoint }, latencyMs / 1000);
    if (ttfbMs !== null) ttfb.observe({ endpoint: this.endpoint }, ttfbMs / 1000);
    if (usage?.promptTokens) tokens.inc({ model, direction: "prompt" }, usage.promptTokens);
    if (usage?.completionTokens) tokens.inc({ model, direction: "completion" }, usage.completionTokens);
    if (cost > 0n) costs.inc({ model }, Number(cost) / 1e9);
    if (this.rate && usage) {
      // the prompt estimate was counted at admission; the rest of the tokens now
      const extra = usage.promptTokens + usage.completionTokens - (this.promptEstimate ?? 0);
      countRemainingTokens(this.rate, extra).catch((e: Error) => log.warn({ requestId: this.requestId, err: e.message }, "could not count tokens for rate limits"));
    }
    if (this.bodies) {
      const { keyId, userId, teamId } = this.principal;
      bodyWriter.push({ requestId: this.requestId, apiKeyId: keyId, userId, teamId, startedAt: this.startedAt }, this.bodies);
    }
    if (this.handedOff) return;
    settleCall(metered, {
      requestId: this.requestId,
      endpoint: this.endpoint,
      stream: this.stream,
      apiKeyId: this.principal.keyId,
      userId: this.principal.userId,
      teamId: this.principal.teamId,
      requestedModel: this.requestedModel,
      modelId: this.route?.modelId ?? this.cacheHit?.modelId ?? null,
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
      images: this.units.images,
      audioMs: this.units.audioMs,
      characters: this.units.characters,
      videoMs: this.units.videoMs,
      usageSource: this.usageSource,
      costNanoUsd: cost,
      chargeMicrocredits: callCharge(metered, cost),
      latencyMs,
      ttfbMs,
      status,
      errorCode: error?.code ?? null,
      // a message can quote the request back; a caller that logs nothing keeps none
      errorMessage: error && logged ? error.message.slice(0, MAX_ERROR_MESSAGE) : null,
      startedAt: this.startedAt,
      cacheHit: this.cacheHit !== null,
    });
  }
}
