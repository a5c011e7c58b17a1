import { z } from "zod";
import type { ChatCompletion, ChatCompletionChunk } from "../../canonical/completion";
import type { ChatRequest } from "../../canonical/schema";
import type { InboundRequest } from "../../http/inbound";
import { log } from "../../log";
import { counter } from "../../metrics";
import { settings } from "../../settings";
import type { CallContext } from "../context";
import { invalidRequest } from "../errors";
import type { ModelEntry } from "../registry";
import { cacheKey } from "./key";
import { cacheStore } from "./store";

// Exact-match cache of chat answers, as canonical completions or chunks so that any protocol can
// replay them. Opt-in (key, model or header); reads are one lookup by key, writes leave the request path.

/** How one call uses the cache. */
export interface CacheUse {
  key: string;
  /** look for an answer (Cache-Control: no-cache skips it) */
  lookup: boolean;
  /** keep this call's answer (Cache-Control: no-store skips it) */
  store: boolean;
  ttlMs: number;
  maxBytes: number;
  /** the share of the normal charge a hit pays, in parts per million */
  billedPpm: bigint;
}

export type CachedAnswer = { completion: ChatCompletion } | { chunks: ChatCompletionChunk[] };

const headersSchema = z.object({
  "x-hub-cache": z.enum(["on", "off"]).optional(),
  "x-hub-cache-ttl": z.coerce.number().int().min(1).optional(),
});

const results = counter({ name: "hub_response_cache_total", help: "Response cache lookups, by result", labelNames: ["result"] });

function askedFor(headers: InboundRequest["headers"] | undefined): z.infer<typeof headersSchema> {
  const cache = headers?.get("x-hub-cache");
  const ttl = headers?.get("x-hub-cache-ttl");
  // most calls send neither: no parse on the hot path
  if (cache == null && ttl == null) return {};
  const raw = { "x-hub-cache": cache?.trim().toLowerCase() || undefined, "x-hub-cache-ttl": ttl?.trim() || undefined };
  const parsed = headersSchema.safeParse(raw);
  if (!parsed.success) throw invalidRequest("x-hub-cache must be on or off, and x-hub-cache-ttl a whole number of seconds.", "invalid_cache_header");
  return parsed.data;
}

/**
 * Whether and how the cache applies to a call: opted in by its key, its model or `x-hub-cache: on`,
 * and not refused by `x-hub-cache: off` or the hub's setting. null: the call does not touch the cache
 * (nothing is awaited unless something opted in).
 */
export async function cacheUseFor(ctx: CallContext, request: ChatRequest, model: ModelEntry | null, headers?: InboundRequest["headers"]): Promise<CacheUse | null> {
  const asked = askedFor(headers);
  if (asked["x-hub-cache"] === "off") return null;
  if (asked["x-hub-cache"] !== "on" && !ctx.principal.responseCache && !model?.responseCache) return null;
  const config = await settings();
  if (!config.responseCacheEnabled) return null;
  const cacheControl = headers?.get("cache-control") ?? "";
  const lookup = !/\bno-cache\b/i.test(cacheControl);
  const store = !/\bno-store\b/i.test(cacheControl);
  if (!lookup && !store) return null;
  const tenant = config.responseCacheShared ? null : (ctx.principal.creditAccountId ?? ctx.principal.userId);
  return {
    key: cacheKey(tenant, request),
    lookup,
    store,
    ttlMs: Math.min(asked["x-hub-cache-ttl"] ?? Infinity, config.responseCacheTtlSeconds) * 1000,
    maxBytes: config.responseCacheMaxEntryBytes,
    billedPpm: BigInt(Math.round(config.responseCacheBilledFraction * 1_000_000)),
  };
}

/** The cached answer for the call, or null; a store that cannot be reached is a miss. */
export async function cachedAnswer(use: CacheUse): Promise<CachedAnswer | null> {
  let value: string | null = null;
  try {
    value = await cacheStore().get(use.key);
  } catch (error) {
    log.warn({ err: (error as Error).message }, "response cache unreachable; answering upstream");
  }
  results.inc({ result: value === null ? "miss" : "hit" });
  return value === null ? null : (JSON.parse(value) as CachedAnswer);
}

/** Keeps an answer, after the call has been answered: a failure is logged, never the caller's. */
export function keepAnswer(use: CacheUse, answer: CachedAnswer): void {
  if (!use.store) return;
  setImmediate(() => {
    const value = JSON.stringify(answer);
    if (Buffer.byteLength(value) > use.maxBytes) return;
    cacheStore()
      .set(use.key, value, use.ttlMs)
      .catch((error: Error) => log.warn({ err: error.message }, "could not keep an answer in the response cache"));
  });
}

const finished = (chunks: ChatCompletionChunk[]) => chunks.some((chunk) => chunk.choices.some((choice) => choice.finish_reason));

/**
 * The upstream's chunks, passed on as they come and kept once the stream has ended complete: a stream
 * that failed, was cut short or that the client left is not kept.
 */
export async function* keptStream(use: CacheUse, chunks: AsyncIterable<ChatCompletionChunk>, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
  const seen: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) {
    seen.push(chunk);
    yield chunk;
  }
  if (!signal.aborted && finished(seen)) keepAnswer(use, { chunks: seen });
}

export async function* replay(chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk> {
  yield* chunks;
}
