import { formatUsd } from "../billing/money";
import { settings } from "../settings";
import type { CallContext } from "./context";
import type { Target } from "./route";

export function callOptions(ctx: CallContext, target: Target) {
  return { signal: ctx.abort.signal, timeoutMs: target.timeoutMs };
}

/**
 * Headers telling the caller what a finished call cost, where the model has a price. Only in
 * Enterprise mode (showback): a reseller's customers must not see the provider cost behind their price.
 */
export async function costHeaders(ctx: CallContext): Promise<Record<string, string>> {
  if (!ctx.call.route?.price || (await settings()).mode !== "enterprise") return {};
  return { "x-hub-cost-usd": formatUsd(ctx.call.cost()) };
}
