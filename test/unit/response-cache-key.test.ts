import { describe, expect, it } from "vitest";
import { cacheKey } from "@/lib/gateway/response-cache/key";
import type { ChatRequest } from "@/lib/canonical/schema";

const base: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], temperature: 0.2, max_completion_tokens: 64 };

describe("response cache key", () => {
  it("is the same for the same request whatever its field order, user or stream options", () => {
    const reordered = { max_completion_tokens: 64, temperature: 0.2, messages: [{ content: "hi", role: "user" }], model: "gpt-4o-mini", user: "u-1", metadata: { a: "b" } } as ChatRequest;
    expect(cacheKey("t1", reordered)).toBe(cacheKey("t1", base));
    expect(cacheKey("t1", { ...base, stream: true, stream_options: { include_usage: true } })).toBe(cacheKey("t1", { ...base, stream: true }));
  });

  it("differs when any parameter that shapes the answer differs", () => {
    const key = cacheKey("t1", base);
    for (const changed of [
      { ...base, temperature: 0.3 },
      { ...base, messages: [{ role: "user" as const, content: "hello" }] },
      { ...base, model: "gpt-4o" },
      { ...base, max_completion_tokens: 65 },
      { ...base, seed: 1 },
      { ...base, tools: [{ type: "function" as const, function: { name: "f" } }] },
      { ...base, stream: true },
      { ...base, some_new_parameter: 1 } as ChatRequest,
    ]) {
      expect(cacheKey("t1", changed)).not.toBe(key);
    }
  });

  it("never matches across tenants; a shared cache (null tenant) is one key for all", () => {
    expect(cacheKey("t1", base)).not.toBe(cacheKey("t2", base));
    expect(cacheKey(null, base)).toBe(cacheKey(null, { ...base }));
  });
});
