import { formatCredits, formatUsd } from "../money";
import type { CallOptions } from "../providers/types";
import type { CallContext } from "./context";
import type { Target } from "./route";

export function callOptions(ctx: CallContext, target: Target): CallOptions {
  const trace = ctx.call.trace;
  // a traced call carries its trace upstream (W3C traceparent of the attempt)
  if (trace) return { signal: ctx.abort.signal, timeoutMs: target.timeoutMs, headers: trace.upstreamHeaders() };
  return { signal: ctx.abort.signal, timeoutMs: target.timeoutMs };
}

/**
 * Headers telling the caller what a finished call cost: the provider cost in Enterprise mode
 * (showback), the charge in credits in Service Provider mode — a reseller's customers must not see
 * the provider cost behind their price.
 */
export async function costHeaders(ctx: CallContext): Promise<Record<string, string>> {
  if (!ctx.call.price) return {};
  if (ctx.call.billing?.mode === "service_provider") return { "x-hub-charge-credits": formatCredits(ctx.call.charge()) };
  return { "x-hub-cost-usd": formatUsd(ctx.call.cost()) };
}
