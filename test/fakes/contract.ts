// The behaviour every fake upstream shares, whatever wire format it speaks, so one test can run
// against any provider. The model name picks the scenario:
//
//   fake-error-<status>  fails with that HTTP status in the provider's own error shape
//                        (429 also carries the provider's retry hint: Retry-After: 7, or its equivalent)
//   fake-hang            accepts the request and never answers
//   fake-gated           streams its first text piece, then waits for release() before the rest
//                        (a JSON answer waits for release() before it is sent)
//   fake-slow            50 ms between streamed pieces (300 ms before a JSON answer)
//   fake-stream-error    streams two text pieces, then the provider's in-stream error event
//   fake-cache           usage reports CACHE_READ_TOKENS cached prompt tokens (and CACHE_WRITE_TOKENS written,
//                        where the provider reports cache writes)
//   fake-long            (OpenAI fake) would write LONG_ANSWER_TOKENS output tokens: reports the request's
//                        own cap (max_completion_tokens, else max_tokens) per choice when it has one, as
//                        OpenAI stops there; images report LONG_ANSWER_TOKENS output tokens each
//   fake-long-uncapped   (OpenAI fake) reports LONG_ANSWER_TOKENS output tokens per choice whatever the cap
//                        (an upstream that ignores it), and as many prompt tokens per embeddings input
//   fake-reasoning       emits REASONING_TEXT as the provider's thinking/reasoning output before the answer,
//                        and reports REASONING_TOKENS reasoning tokens where the provider reports them
//   any model, with tools in the request (and tool choice not "none")
//                        answers with one call of the first tool, arguments TOOL_ARGUMENTS; where the
//                        provider streams tool arguments in pieces, they arrive as TOOL_ARGUMENT_PIECES
//   anything else        replies replyText(...) below, streamed as replyPieces(...)
//
// Usage numbers are deterministic: promptTokens(...) input tokens, one output token per streamed piece.

export const TOOL_ARGUMENTS = { city: "Paris", unit: "celsius" };
export const TOOL_ARGUMENT_PIECES = ['{"city":', ' "Paris",', ' "unit": "cel', 'sius"}'];
export const REASONING_TEXT = "Let me think about this.";
export const REASONING_TOKENS = 12;
export const CACHE_READ_TOKENS = 8;
export const CACHE_WRITE_TOKENS = 4;
export const RETRY_AFTER_SECONDS = 7;
/** what a fake-long model would write without a cap: far more than any hold */
export const LONG_ANSWER_TOKENS = 2_000_000;

/**
 * Output tokens the fake-long scenarios report for one choice: the cap the request carried (the
 * upstream stops there) unless the model ignores caps; null for other models.
 */
export function longAnswerTokens(model: string, cap: unknown): number | null {
  if (model.endsWith("fake-long-uncapped")) return LONG_ANSWER_TOKENS;
  if (!model.endsWith("fake-long")) return null;
  return typeof cap === "number" && cap > 0 ? Math.min(cap, LONG_ANSWER_TOKENS) : LONG_ANSWER_TOKENS;
}

/** What the fake was sent, after it parsed the provider's format into plain text and images. */
export interface SeenImage {
  /** e.g. image/png */
  mediaType: string;
  /** decoded size in bytes (0 for an image given by URL) */
  bytes: number;
}

/**
 * The reply to a conversation whose last user turn said `text` and carried `images`:
 * "Hello from the fake upstream! You said: <text>", plus " [2 images: image/png, image/jpeg]" when it had images.
 */
export function replyText(text: string, images: SeenImage[] = []): string {
  const base = `Hello from the fake upstream! You said: ${text}`;
  if (images.length === 0) return base;
  return `${base} [${images.length} image${images.length === 1 ? "" : "s"}: ${images.map((i) => i.mediaType).join(", ")}]`;
}

/** The reply split into the pieces a stream sends: words with their trailing space. */
export function replyPieces(text: string, images: SeenImage[] = []): string[] {
  return replyText(text, images).split(/(?<= )/);
}

/** 8 plus the number of whitespace-separated words in every text of the request (system included). */
export function promptTokens(texts: string[]): number {
  return 8 + texts.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);
}

export type Scenario =
  | { kind: "error"; status: number }
  | { kind: "hang" }
  | { kind: "gated" }
  | { kind: "slow" }
  | { kind: "stream-error" }
  | { kind: "cache" }
  | { kind: "reasoning" }
  | { kind: "plain" };

export function scenarioFor(model: string): Scenario {
  const error = /fake-error-(\d{3})$/.exec(model);
  if (error) return { kind: "error", status: Number(error[1]) };
  if (model.endsWith("fake-hang")) return { kind: "hang" };
  if (model.endsWith("fake-gated")) return { kind: "gated" };
  if (model.endsWith("fake-slow")) return { kind: "slow" };
  if (model.endsWith("fake-stream-error")) return { kind: "stream-error" };
  if (model.endsWith("fake-cache")) return { kind: "cache" };
  if (model.endsWith("fake-reasoning")) return { kind: "reasoning" };
  return { kind: "plain" };
}

export interface RecordedRequest {
  method: string;
  /** path and query */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON body, or null */
  body: Record<string, unknown> | null;
  /** the connection closed before the fake finished its answer */
  closedEarly: boolean;
  finished: boolean;
  /** the answer text the fake sent so far */
  sentText: string;
  /**
   * Binary streamed answers (OpenAI speech): Date.now() when the first chunk was written, and when the
   * last one was (absent until then), so a test can tell a proxy that streams from one that buffers.
   */
  sentAt?: { first: number; last?: number };
  /** binary streamed answers: bytes written so far */
  sentBytes?: number;
}

/** What every fake exposes to tests. */
export interface FakeUpstream {
  /** the base URL to hand to the provider's SDK */
  url: string;
  requests: RecordedRequest[];
  /** lets every gated request continue */
  release(): void;
  /** resolves with the first request whose connection closed before the fake finished */
  waitForEarlyClose(timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** A release()-able gate shared by a fake's gated requests. */
export function createGate() {
  let open!: () => void;
  let promise = new Promise<void>((r) => (open = r));
  return {
    wait: () => promise,
    release() {
      open();
      promise = new Promise<void>((r) => (open = r));
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
