import type { CallOptions } from "../types";
import { fromOpenAIError } from "./errors";

/** The openai SDK's options for one call: cancelled with the caller, bounded by the call's timeout. */
export const requestOptions = (call: CallOptions) => ({ signal: call.signal, timeout: call.timeoutMs, headers: call.headers });

/** Runs an openai SDK call; whatever it throws comes out as an UpstreamError. */
export async function sdkCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromOpenAIError(error);
  }
}
