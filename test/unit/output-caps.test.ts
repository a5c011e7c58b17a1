import { describe, expect, it } from "vitest";
import { heldOutputTokens } from "@/lib/gateway/policy";
import { chatRequestFromAigne } from "@/lib/gateway/protocols/aigne-hub/request";
import { toAnthropicRequest } from "@/lib/providers/anthropic";
import { toConverse } from "@/lib/providers/bedrock";
import { toConfig } from "@/lib/providers/gemini";
import { budgetWithin, maxOutputTokens, withOutputCap } from "@/lib/canonical/request";
import type { ChatRequest } from "@/lib/canonical/schema";
import type { UpstreamTarget } from "@/lib/providers/types";

// No call may cost more than its hold: the output the hub held is the canonical request's cap
// (withOutputCap), and every adapter must send it as its provider's cap with the thinking budget
// inside it — never raise it to make room for thinking. Real translation functions, no mocks.

const question: ChatRequest["messages"] = [{ role: "user", content: "think hard" }];
const EFFORTS = ["low", "medium", "high", "xhigh"] as const;
const CAPS = [256, 1024, 1025, 2048, 4096, 10_000, 64_000];

const capped = (cap: number, extra: Partial<ChatRequest> & Record<string, unknown> = {}) => withOutputCap({ model: "m", messages: question, ...extra }, cap);

describe("the output a call is held for", () => {
  it("is the ask, clamped to the model's maximum; without an ask, the model's default (the hub's when it has none), clamped too", () => {
    process.env.HUB_DEFAULT_MAX_OUTPUT_TOKENS = "4096";
    const model = { maxOutputTokens: 600, defaultOutputTokens: 200 };
    expect(heldOutputTokens(undefined, model)).toBe(200);
    expect(heldOutputTokens(400, model)).toBe(400);
    expect(heldOutputTokens(50_000, model)).toBe(600);
    expect(heldOutputTokens(undefined, { maxOutputTokens: null, defaultOutputTokens: null })).toBe(4096);
    expect(heldOutputTokens(undefined, { maxOutputTokens: 1000, defaultOutputTokens: null })).toBe(1000);
    expect(heldOutputTokens(undefined, null)).toBe(4096);
  });
});

describe("the canonical cap", () => {
  it("replaces whatever the client asked with the held output, in one field", () => {
    const request = capped(1000, { max_tokens: 50_000, max_completion_tokens: 60_000 });
    expect(request.max_tokens).toBeUndefined();
    expect(request.max_completion_tokens).toBe(1000);
    expect(maxOutputTokens(request)).toBe(1000);
  });

  it("takes the AIGNE protocol's modelOptions.maxTokens as the request's limit", () => {
    const request = chatRequestFromAigne({ input: { messages: [{ role: "user", content: "hi" }], modelOptions: { model: "m", maxTokens: 300 } } });
    expect(maxOutputTokens(request)).toBe(300);
    expect(maxOutputTokens(chatRequestFromAigne({ input: { messages: [{ role: "user", content: "hi" }], modelOptions: { model: "m" } } }))).toBeUndefined();
  });

  it("fits a thinking budget inside a cap, leaving room for the answer, or drops it", () => {
    expect(budgetWithin(16_384, 1024)).toBeNull();
    expect(budgetWithin(16_384, 1025)).toBe(1024);
    expect(budgetWithin(16_384, 4096)).toBe(3072);
    expect(budgetWithin(2048, 64_000)).toBe(2048);
  });
});

describe("Anthropic: max_tokens is the held cap, thinking fits inside it", () => {
  for (const cap of CAPS) {
    for (const effort of EFFORTS) {
      it(`cap ${cap}, reasoning_effort ${effort}`, () => {
        const params = toAnthropicRequest(capped(cap, { reasoning_effort: effort }), "claude-sonnet-4-5");
        expect(params.max_tokens).toBe(cap);
        if (params.thinking?.type === "enabled") {
          expect(params.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
          expect(params.thinking.budget_tokens).toBeLessThan(cap);
        } else expect(cap).toBeLessThanOrEqual(1024);
      });
    }
  }

  it("fits a native thinking budget far above the cap", () => {
    const params = toAnthropicRequest(capped(4096, { thinking: { type: "enabled", budget_tokens: 100_000 } }), "claude-sonnet-4-5");
    expect(params.max_tokens).toBe(4096);
    expect(params.thinking).toEqual({ type: "enabled", budget_tokens: 3072 });
  });

  it("answers without thinking when the cap leaves no room for Anthropic's minimum budget", () => {
    const params = toAnthropicRequest(capped(800, { thinking: { type: "enabled", budget_tokens: 2000 } }), "claude-sonnet-4-5");
    expect(params.max_tokens).toBe(800);
    expect(params.thinking).toBeUndefined();
  });
});

describe("Bedrock: maxTokens is the held cap, Claude's thinking fits inside it", () => {
  const target = (upstreamModel: string) => ({ provider: { id: "p", type: "bedrock", name: "b", baseUrl: null, region: "us-east-1", config: {} }, credential: null, upstreamModel }) as UpstreamTarget;
  for (const cap of CAPS) {
    for (const effort of EFFORTS) {
      it(`cap ${cap}, reasoning_effort ${effort}`, async () => {
        const input = await toConverse(capped(cap, { reasoning_effort: effort }), target("anthropic.claude-sonnet-4-5"), new AbortController().signal);
        expect(input.inferenceConfig?.maxTokens).toBe(cap);
        const thinking = (input.additionalModelRequestFields as { thinking?: { budget_tokens: number } } | undefined)?.thinking;
        if (thinking) {
          expect(thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
          expect(thinking.budget_tokens).toBeLessThan(cap);
        } else expect(cap).toBeLessThanOrEqual(1024);
      });
    }
  }
});

describe("Gemini: maxOutputTokens is the held cap (thoughts count inside it), the thinking budget no larger", () => {
  for (const cap of CAPS) {
    it(`cap ${cap}, reasoning_effort xhigh, two candidates`, () => {
      const config = toConfig(capped(cap, { reasoning_effort: "xhigh", n: 2 }), { signal: new AbortController().signal, timeoutMs: 1000 });
      expect(config.maxOutputTokens).toBe(cap);
      expect(config.candidateCount).toBe(2);
      expect(config.thinkingConfig?.thinkingBudget).toBeLessThanOrEqual(cap);
    });
  }
});
