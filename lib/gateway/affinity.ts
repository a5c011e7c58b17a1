import { createHash } from "node:crypto";
import type { ChatRequest } from "../canonical/schema";
import { processSingleton } from "../singleton";
import type { Principal } from "./authenticate";

// Provider prompt-cache affinity: calls that share a prompt cache (a prompt_cache_key, a prefix marked
// with cache_control, or else one user or session) go to the deployment and credential that served the
// last of them while it is healthy, so the provider's own cache keeps hitting. Pins are per process,
// slide for PIN_TTL_MS and are capped (least recently used go first); keys are hashes scoped by tenant
// and model, so two tenants never share a pin and no prompt text is kept.

const PIN_TTL_MS = 5 * 60_000;
const MAX_PINS = 10_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type Block = Record<string, unknown>;

/**
 * The hash of a prompt up to and including its last block marked with cache_control (what a provider
 * caches), given its blocks in prompt order; null when no block is marked.
 */
export function cachedPrefix(blocks: readonly Block[]): string | null {
  let last = -1;
  blocks.forEach((block, i) => {
    if (block.cache_control != null) last = i;
  });
  return last < 0 ? null : sha256(JSON.stringify(blocks.slice(0, last + 1)));
}

/** Canonical messages as blocks: each content part with its message's role (OpenAI-style clients may mark parts with cache_control). */
function canonicalBlocks(request: ChatRequest): Block[] {
  return request.messages.flatMap((message): Block[] => {
    const content = "content" in message ? message.content : null;
    if (!Array.isArray(content)) return [{ role: message.role, content: content ?? null }];
    return content.map((part) => ({ role: message.role, ...part }));
  });
}

/**
 * What ties a call to the calls before it, strongest first: the request's prompt_cache_key, a
 * cache_control prefix (the protocol's own, for protocols whose marks do not survive the canonical
 * request), the request's `user`, the client's x-session-id header. Null: nothing, route as usual.
 */
export function affinitySeed(request: ChatRequest, given: { prefix?: string | null; session?: string | null }): string | null {
  const promptCacheKey = (request as { prompt_cache_key?: unknown }).prompt_cache_key;
  if (typeof promptCacheKey === "string" && promptCacheKey) return `key:${promptCacheKey}`;
  const prefix = given.prefix ?? cachedPrefix(canonicalBlocks(request));
  if (prefix) return `prefix:${prefix}`;
  if (request.user) return `user:${request.user}`;
  if (given.session) return `session:${given.session}`;
  return null;
}

/** The seed scoped to who pays for the call and to the model, hashed. */
export const affinityKey = (principal: Pick<Principal, "creditAccountId" | "userId">, model: string, seed: string) =>
  sha256(`${principal.creditAccountId ?? `user:${principal.userId}`}\u0000${model}\u0000${seed}`);

class AffinityPins {
  // a Map iterates in insertion order: re-inserting on use keeps the least recently used first
  private pins = new Map<string, { target: string; until: number }>();

  /** The target key the affinity key is pinned to, if the pin is live (its use extends it). */
  get(key: string, now = Date.now()): string | null {
    const pin = this.pins.get(key);
    if (!pin) return null;
    this.pins.delete(key);
    if (pin.until <= now) return null;
    this.pins.set(key, { target: pin.target, until: now + PIN_TTL_MS });
    return pin.target;
  }

  pin(key: string, target: string, now = Date.now()): void {
    this.pins.delete(key);
    this.pins.set(key, { target, until: now + PIN_TTL_MS });
    if (this.pins.size > MAX_PINS) this.pins.delete(this.pins.keys().next().value!);
  }
}

export const affinityPins = processSingleton("affinity-pins", () => new AffinityPins());
