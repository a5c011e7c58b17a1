// What the fake OpenAI endpoints that read their model from a form (audio, videos) share: OpenAI's
// error body, the multipart reader, and the model-name scenarios of contract.ts played by hand.
import { RETRY_AFTER_SECONDS, scenarioFor, sleep } from "./contract";
import type { FakeExchange } from "./http-fake";

export type ErrorBodyFor = (status: number, model: string) => unknown;

export function invalid(message: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type: "invalid_request_error", param, code } };
}

/** Answers the scenario's error or hang; waits as fake-slow / fake-gated do. Returns false when the exchange is over. */
export async function playScenario(x: FakeExchange, model: string, errorBody: ErrorBodyFor, waitBeforeAnswer = true): Promise<boolean> {
  const scenario = scenarioFor(model);
  if (scenario.kind === "error") {
    x.json(scenario.status, errorBody(scenario.status, model), scenario.status === 429 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {});
    return false;
  }
  if (scenario.kind === "hang") return false; // never answers
  if (waitBeforeAnswer && scenario.kind === "slow") await sleep(300);
  if (waitBeforeAnswer && scenario.kind === "gated") await x.gate();
  return true;
}

/**
 * A multipart request's text fields (a field sent more than once, or named with a trailing [], as an
 * array) and files. Anything that is not a form reads as an empty one.
 */
export async function readForm(x: FakeExchange): Promise<{ fields: Record<string, string | string[]>; files: Record<string, File> }> {
  const contentType = String(x.req.headers["content-type"] ?? "");
  const fields: Record<string, string | string[]> = {};
  const files: Record<string, File> = {};
  if (!/^multipart\/form-data/i.test(contentType)) return { fields, files };
  // a body that does not parse counts as an empty form: the missing fields are what OpenAI reports
  const form = await new Response(new Uint8Array(x.raw), { headers: { "content-type": contentType } }).formData().catch(() => new FormData());
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string") {
      files[key] = value;
      continue;
    }
    const seen = fields[key];
    if (seen !== undefined) fields[key] = [...(Array.isArray(seen) ? seen : [seen]), value];
    else fields[key] = key.endsWith("[]") ? [value] : value;
  }
  return { fields, files };
}
