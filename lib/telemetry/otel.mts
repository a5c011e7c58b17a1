import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { AttemptFacts, AttemptOutcome, CallFacts, CallTrace, CallTracer, HeaderReader } from "./types";

// The OpenTelemetry side of call tracing, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set
// (tracing.ts). Spans follow the GenAI semantic conventions (gen_ai.*), with the hub's own numbers
// under hub.*. The exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself (endpoint +
// /v1/traces, headers), the batch processor OTEL_BSP_*, the sampler OTEL_TRACES_SAMPLER (default:
// parent-based, always on). Nothing here ever carries a prompt, an answer, a key or an upstream URL.

/** gen_ai.operation.name of each gateway endpoint (the GenAI conventions' names where one fits). */
const OPERATIONS: Record<string, string> = {
  chat: "chat",
  messages: "chat",
  responses: "chat",
  "aigne-hub": "chat",
  embeddings: "embeddings",
  images: "image_generation",
  audio: "audio",
  moderations: "moderation",
  videos: "video_generation",
};

/** gen_ai.provider.name: the conventions' well-known values, the hub's provider type otherwise. */
const PROVIDERS: Record<string, string> = {
  bedrock: "aws.bedrock",
  gemini: "gcp.gemini",
  xai: "x_ai",
};

const providerName = (type: string) => PROVIDERS[type] ?? type;

const getter: TextMapGetter<HeaderReader> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: () => [],
};
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

function withoutNulls(attributes: Record<string, string | number | boolean | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

export function createCallTracer(options: { serviceName: string }): CallTracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const tracer = provider.getTracer("aigne-hub");
  const propagator = new W3CTraceContextPropagator();

  class Call implements CallTrace {
    private readonly span: Span;
    private readonly context: Context;
    private attempt: { span: Span; headers: Record<string, string> } | null = null;
    private lastAttempt: AttemptFacts | null = null;

    constructor(
      private readonly endpoint: string,
      headers: HeaderReader,
    ) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, getter);
      const operation = OPERATIONS[endpoint];
      this.span = tracer.startSpan(
        operation ?? `hub ${endpoint}`,
        { kind: SpanKind.SERVER, attributes: withoutNulls({ "gen_ai.operation.name": operation, "hub.endpoint": endpoint }) },
        parent,
      );
      this.context = trace.setSpan(parent, this.span);
    }

    upstreamHeaders(): Record<string, string> {
      if (this.attempt) return this.attempt.headers;
      const headers: Record<string, string> = {};
      propagator.inject(this.context, headers, setter);
      return headers;
    }

    startAttempt(facts: AttemptFacts): void {
      this.endAttempt();
      this.lastAttempt = facts;
      const operation = OPERATIONS[this.endpoint];
      const span = tracer.startSpan(
        `${operation ?? this.endpoint} ${facts.upstreamModel}`,
        {
          kind: SpanKind.CLIENT,
          attributes: withoutNulls({
            "gen_ai.operation.name": operation,
            "gen_ai.provider.name": providerName(facts.providerType),
            "gen_ai.request.model": facts.upstreamModel,
            "hub.attempt": facts.number,
            "hub.provider": facts.providerName,
            "hub.provider_id": facts.providerId,
            "hub.credential_id": facts.credentialId,
            "hub.deployment_id": facts.deploymentId,
          }),
        },
        this.context,
      );
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(this.context, span), headers, setter);
      this.attempt = { span, headers };
    }

    endAttempt(outcome: AttemptOutcome = {}): void {
      const attempt = this.attempt;
      if (!attempt) return;
      this.attempt = null;
      if (outcome.status) attempt.span.setAttribute("http.response.status_code", outcome.status);
      if (outcome.errorKind) {
        attempt.span.setAttributes(withoutNulls({ "error.type": outcome.errorKind, "hub.upstream_error_code": outcome.errorCode }));
        attempt.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      attempt.span.end();
    }

    finish(facts: CallFacts): void {
      const failed = facts.status >= 400;
      // the attempt still open is the one whose answer was relayed: it ended with the call
      this.endAttempt(failed ? { errorKind: facts.errorCode ?? String(facts.status) } : {});
      const route = this.lastAttempt;
      const span = this.span;
      if (facts.requestedModel) span.updateName(`${OPERATIONS[this.endpoint] ?? `hub ${this.endpoint}`} ${facts.requestedModel}`);
      span.setAttributes(
        withoutNulls({
          "gen_ai.request.model": facts.requestedModel,
          "gen_ai.response.model": route?.upstreamModel,
          "gen_ai.provider.name": route ? providerName(route.providerType) : null,
          "gen_ai.usage.input_tokens": facts.inputTokens,
          "gen_ai.usage.output_tokens": facts.outputTokens,
          "hub.usage.cached_input_tokens": facts.cachedInputTokens || null,
          "hub.usage.source": facts.inputTokens === null ? null : facts.usageSource,
          "hub.provider": route?.providerName,
          "hub.request_id": facts.requestId,
          "hub.attempts": facts.attempts,
          "hub.stream": facts.stream,
          "hub.ttfb_ms": facts.ttfbMs,
          "hub.cost_usd": facts.costUsd,
          "hub.charge_credits": facts.chargeCredits,
          "http.response.status_code": facts.status,
          "error.type": failed ? (facts.errorCode ?? String(facts.status)) : null,
          "hub.error_code": facts.errorCode,
        }),
      );
      // a server span's error is the server's (5xx); a refused request (4xx) is the caller's
      if (facts.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }

  return {
    startCall: (endpoint, headers) => new Call(endpoint, headers),
    shutdown: () => provider.shutdown(),
  };
}
