import type { ChatCompletion } from "../../../canonical/completion";
import type { ErrorFormat } from "../../errors";
import type { StreamEncoder } from "../stream-encoder";

// OpenAI's chat completions are the canonical format: answers go out as they came, under the
// public model name the client asked for.

export const openAIAnswer = (completion: ChatCompletion, model: string) => ({ ...completion, model });

/** One `data:` frame per chunk under the public model name, then `data: [DONE]`. */
export function openAIEncoder(model: string, includeUsage: boolean): StreamEncoder {
  const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  return {
    chunk(chunk) {
      // the upstream is always asked for usage; the client gets it only when it asked too
      if (!includeUsage) {
        if (chunk.choices.length === 0 && chunk.usage) return [];
        delete (chunk as { usage?: unknown }).usage;
      }
      chunk.model = model;
      return [frame(chunk)];
    },
    end: () => ["data: [DONE]\n\n"],
    error: (error) => frame(error.toJSON()),
  };
}

/** The error shape of OpenAI's API, which every route answers in unless its protocol has its own. */
export const openAIError: ErrorFormat = (error) => error.toJSON();
