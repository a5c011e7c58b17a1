// What the gateway tells the tracer about a call, in its own words: the OpenTelemetry side
// (otel.mts) turns it into spans. Plain types, so the gateway never imports an OpenTelemetry module.

/** One upstream attempt: where it went. Ids and names only — never a secret, a URL or content. */
export interface AttemptFacts {
  /** 1 for the first attempt, 2 for the first fallback… */
  number: number;
  providerType: string;
  /** the provider record's name (chosen by the operator) */
  providerName: string;
  providerId: string;
  credentialId: string | null;
  deploymentId: string | null;
  upstreamModel: string;
}

/** How an attempt ended; no `errorKind` means it answered. */
export interface AttemptOutcome {
  /** the upstream failure's kind (http, timeout, connection, aborted, request) or "internal" */
  errorKind?: string;
  status?: number | null;
  /** the upstream's machine-readable error code, when it sent one */
  errorCode?: string | null;
}

/** The call once it has ended. */
export interface CallFacts {
  requestId: string;
  requestedModel: string | null;
  /** HTTP status answered to the client */
  status: number;
  errorCode: string | null;
  attempts: number;
  stream: boolean;
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  usageSource: string;
  /** provider cost in USD, when the model has a price */
  costUsd: number | null;
  /** what the customer is charged, in credits, when billed in credits */
  chargeCredits: number | null;
}

/** The trace of one gateway call: a span for the call, and a child span per upstream attempt. */
export interface CallTrace {
  /** the headers that carry the trace upstream (traceparent, and tracestate when the caller sent one) for the attempt in progress */
  upstreamHeaders(): Record<string, string>;
  startAttempt(facts: AttemptFacts): void;
  /** ends the attempt in progress, if any */
  endAttempt(outcome?: AttemptOutcome): void;
  /** ends the call's span (and an attempt still open, e.g. the stream that was relayed) */
  finish(facts: CallFacts): void;
}

/** Incoming request headers, as the gateway's wrapper sees them. */
export interface HeaderReader {
  get(name: string): string | null;
}

export interface CallTracer {
  startCall(endpoint: string, headers: HeaderReader): CallTrace;
  /** exports what is still buffered */
  shutdown(): Promise<void>;
}
