import { UpstreamError } from "../upstream-error";

/** Tool-call arguments as an object; providers other than OpenAI want objects, not JSON text. */
export function parseArguments(json: string, where: string): Record<string, unknown> {
  if (!json.trim()) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "invalid_tool_arguments", message: `${where}: tool call arguments must be a JSON object` });
}
