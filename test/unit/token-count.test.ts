import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countPromptTokens, countTextTokens, roughPromptTokens, roughTextTokens } from "@/lib/canonical/token-count";

// Admission holds use the rough estimate: it must lean high against the tokenizer (a hold too small
// lets a call spend credit that is not there) without being so high that it refuses affordable calls.
const samples = {
  prose: "The quick brown fox jumps over the lazy dog. A gateway sits on every AI call a company makes, so its users pick one by added latency, throughput per core and memory.",
  code: 'export function chargeFor(costNanoUsd: bigint, marginBps: number): bigint {\n  if (costNanoUsd <= 0n) return 0n;\n  return (costNanoUsd * (10_000n + BigInt(marginBps))) / 10_000n;\n}\n',
  json: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }] }),
  chinese: "网关位于公司发出的每一次人工智能调用之上，因此用户根据附加延迟、每核吞吐量和内存来选择网关。",
  japanese: "ゲートウェイは会社が行うすべてのAI呼び出しの上にあります。",
  emoji: "🚀🔥✨ launch day 🎉",
  german: "Ein Gateway sitzt auf jedem KI-Aufruf, den ein Unternehmen macht; seine Nutzer wählen es nach zusätzlicher Latenz, Durchsatz pro Kern und Speicher.",
  source: readFileSync(path.join(import.meta.dirname, "../../lib/billing/usage-writer.ts"), "utf8"),
};

describe("the rough token estimate", () => {
  for (const [kind, text] of Object.entries(samples)) {
    it(`is at least the o200k count and at most twice it: ${kind}`, async () => {
      const exact = await countTextTokens(text);
      const rough = roughTextTokens(text);
      expect(rough).toBeGreaterThanOrEqual(exact);
      expect(rough).toBeLessThanOrEqual(exact * 2);
    });
  }

  it("does not count a prompt of mixed whitespace as free (it can take a token a character)", async () => {
    for (const text of ["\u000b\n".repeat(3000), " \t".repeat(3000), "\f \n".repeat(3000), "\t\r\n".repeat(2000)]) {
      expect(roughTextTokens(text)).toBeGreaterThanOrEqual(await countTextTokens(text));
    }
  });

  it("counts a chat request's messages, images and tools like the exact count does", async () => {
    const request = {
      model: "m",
      messages: [
        { role: "system" as const, content: samples.prose },
        { role: "user" as const, content: [{ type: "text" as const, text: samples.chinese }, { type: "image_url" as const, image_url: { url: "https://example.com/a.png" } }] },
      ],
      tools: [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } }],
    };
    const exact = await countPromptTokens(request as never);
    const rough = roughPromptTokens(request as never);
    expect(exact).toBeGreaterThan(1600);
    expect(rough).toBeGreaterThanOrEqual(exact);
    expect(rough).toBeLessThan(exact * 1.5);
  });
});
