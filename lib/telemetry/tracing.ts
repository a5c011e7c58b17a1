import { env } from "../env";
import { lifecycle } from "../lifecycle";
import { log } from "../log";
import type { CallTrace, CallTracer, HeaderReader } from "./types";

// OpenTelemetry for gateway calls, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. Turned on, the SDK
// is loaded once at boot (otel.mts, a dynamic import: without an endpoint the SDK, the exporter and
// the propagator are never loaded), and the hot path pays one null check per call to learn that
// tracing is off.

let tracer: CallTracer | null = null;

/** Loads the OpenTelemetry SDK and its OTLP/HTTP exporter when an endpoint is configured. */
export async function startTracing(): Promise<void> {
  const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME } = env();
  if (!OTEL_EXPORTER_OTLP_ENDPOINT || tracer) return;
  // "./otel.mjs": otel.mts here, and its own bundle beside the gateway's in the build (scripts/build.mjs);
  // Next's copy of this module never starts tracing, so it does not bundle the SDK either
  const { createCallTracer } = await import(/* webpackIgnore: true */ "./otel.mjs");
  const started = createCallTracer({ serviceName: OTEL_SERVICE_NAME });
  tracer = started;
  // the spans of the last calls are exported before the process exits
  lifecycle.onShutdown("tracing", () => started.shutdown());
  log.info({ endpoint: new URL(OTEL_EXPORTER_OTLP_ENDPOINT).origin }, "exporting traces over OTLP/HTTP");
}

/** The trace of a call that starts now, child of the caller's `traceparent` if it sent one; null when tracing is off. */
export function startCallTrace(endpoint: string, headers: HeaderReader): CallTrace | null {
  return tracer === null ? null : tracer.startCall(endpoint, headers);
}
