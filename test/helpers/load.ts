import OpenAI from "openai";
import { expect } from "vitest";
import type { HubProcess } from "./hub-process";

export interface SigtermOutcome {
  exitCode: number | null;
  /** request ids of the calls clients saw succeed */
  succeeded: string[];
  /** workers stopped by a refused or unconnectable call (all of them, once the hub drained) */
  refused: number;
  /** calls that started before SIGTERM and finished after it */
  spanningTheSignal: number;
}

/** How a draining hub turns a client away: 503 shutting_down, or no connection at all. */
export function isDrainRefusal(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError) return true;
  return error instanceof OpenAI.APIError && error.status === 503 && error.code === "shutting_down";
}

/**
 * Keeps `workers` clients calling `model` (half streamed, half not) in a loop, sends the hub SIGTERM
 * after `afterMs`, and waits for every client to be refused and the process to exit.
 */
export async function loadThroughSigterm(hub: HubProcess, apiKey: string, model: string, options: { workers?: number; afterMs?: number } = {}): Promise<SigtermOutcome> {
  const client = new OpenAI({ baseURL: hub.baseURL, apiKey, maxRetries: 0 });
  const succeeded: string[] = [];
  let refused = 0;
  let signalledAt = Infinity;
  let spanningTheSignal = 0;

  const worker = async (i: number) => {
    for (;;) {
      const startedAt = Date.now();
      try {
        if (i % 2 === 0) {
          const { data: stream, response } = await client.chat.completions
            .create({ model, messages: [{ role: "user", content: `worker ${i}` }], stream: true, stream_options: { include_usage: true } })
            .withResponse();
          let text = "";
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
          expect(text).toBe(`Hello from the fake upstream! You said: worker ${i}`);
          succeeded.push(response.headers.get("x-request-id")!);
        } else {
          const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: `worker ${i}` }] }).withResponse();
          succeeded.push(response.headers.get("x-request-id")!);
        }
        if (startedAt < signalledAt && Date.now() > signalledAt) spanningTheSignal++;
      } catch (error) {
        // once the hub drains, new calls are refused (503 shutting_down) or cannot connect: stop this
        // worker. Anything else (a failed assertion, another status) fails the test.
        if (!isDrainRefusal(error)) throw error;
        refused++;
        return;
      }
    }
  };

  const running = Array.from({ length: options.workers ?? 16 }, (_, i) => worker(i));
  await new Promise((r) => setTimeout(r, options.afterMs ?? 700));
  signalledAt = Date.now();
  const exitCode = await hub.stop("SIGTERM");
  await Promise.all(running);
  return { exitCode, succeeded, refused, spanningTheSignal };
}
