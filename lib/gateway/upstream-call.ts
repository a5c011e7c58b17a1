import { formatUsd } from "../billing/money";
import { UpstreamError } from "../providers/upstream-error";
import { settings } from "../settings";
import type { CallContext } from "./context";
import type { Route } from "./route";
import { fromUpstreamError } from "./upstream-failure";

/** Runs one upstream call, turning its failure into the error the client sees. */
export async function callUpstream<T>(route: Route, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UpstreamError) throw upstreamFailure(route, error);
    throw error;
  }
}

export function upstreamFailure(route: Route, error: UpstreamError) {
  return fromUpstreamError(error, route.target.provider.name, route.target.credential, route.timeoutMs);
}

/**
 * Headers telling the caller what a finished call cost, where the model has a price. Only in
 * Enterprise mode (showback): a reseller's customers must not see the provider cost behind their price.
 */
export async function costHeaders(ctx: CallContext): Promise<Record<string, string>> {
  if (!ctx.call.route?.price || (await settings()).mode !== "enterprise") return {};
  return { "x-hub-cost-usd": formatUsd(ctx.call.cost()) };
}
