import OpenAI from "openai";
import { fromStainlessError } from "../shared/sdk-errors";
import type { UpstreamError } from "../upstream-error";

/** Maps whatever the openai SDK threw to an UpstreamError. */
export const fromOpenAIError = (error: unknown): UpstreamError => fromStainlessError(error, OpenAI);
