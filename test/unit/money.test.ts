import { describe, expect, it } from "vitest";
import { providerCost } from "@/lib/billing/cost";
import { NO_USAGE } from "@/lib/canonical/usage";
import { formatCredits, formatUsd, parseCredits, parseDecimal, parseUsd, tokenCost } from "@/lib/money";

describe("decimal money parsing (no floats)", () => {
  it.each([
    ["0.15", 150_000_000n],
    ["2.5", 2_500_000_000n],
    ["12", 12_000_000_000n],
    ["0.000000001", 1n],
    ["0.1000000000", 100_000_000n],
    ["1234567890.123456789", 1_234_567_890_123_456_789n],
  ])("parses USD %s exactly", (input, nano) => {
    expect(parseUsd(input)).toBe(nano);
    expect(parseUsd(formatUsd(nano))).toBe(nano);
  });

  it("keeps amounts that a float would round", () => {
    // 0.1 + 0.2 !== 0.3 in floating point; in nano-dollars it is exact
    expect(parseUsd("0.1") + parseUsd("0.2")).toBe(parseUsd("0.3"));
    expect(formatUsd(parseUsd("0.1") + parseUsd("0.2"))).toBe("0.3");
  });

  it.each(["", "-1", "1,5", "1e3", "abc", ".5", "0.0000000001"])("refuses %j", (input) => {
    expect(() => parseUsd(input)).toThrow();
  });

  it("formats without trailing zeros, with sign", () => {
    expect(formatUsd(7_200n)).toBe("0.0000072");
    expect(formatUsd(3_000_000_000n)).toBe("3");
    expect(formatCredits(-1_500_000n)).toBe("-1.5");
    expect(parseCredits("12.5")).toBe(12_500_000n);
    expect(parseDecimal("7", 0)).toBe(7n);
  });
});

describe("token costs", () => {
  it("prices tokens per million, rounding half up to the nano-dollar", () => {
    expect(tokenCost(1_000_000, 150_000_000n)).toBe(150_000_000n);
    expect(tokenCost(1, 150_000_000n)).toBe(150n);
    // 3 tokens at $0.0000005 per 1M = 0.0015 nano → 0
    expect(tokenCost(3, 500n)).toBe(0n);
    expect(tokenCost(1, 500_000n)).toBe(1n);
    expect(tokenCost(0, 150_000_000n)).toBe(0n);
  });

  const price = { inputNanoUsdPer1M: 1_000_000_000n, outputNanoUsdPer1M: 4_000_000_000n, cachedReadNanoUsdPer1M: 250_000_000n, cacheWriteNanoUsdPer1M: 1_250_000_000n };

  it("charges cached reads and cache writes at their own rates", () => {
    const usage = { ...NO_USAGE, promptTokens: 1000, cachedTokens: 600, cacheWriteTokens: 100, completionTokens: 50 };
    // 300 × $1 + 600 × $0.25 + 100 × $1.25 + 50 × $4 (per 1M)
    expect(providerCost(usage, price)).toBe(300_000n + 150_000n + 125_000n + 200_000n);
  });

  it("falls back to the input price when no cache price is set, and never counts more cached than prompt tokens", () => {
    const plain = { ...price, cachedReadNanoUsdPer1M: null, cacheWriteNanoUsdPer1M: null };
    expect(providerCost({ ...NO_USAGE, promptTokens: 10, cachedTokens: 10 }, plain)).toBe(10_000n);
    expect(providerCost({ ...NO_USAGE, promptTokens: 10, cachedTokens: 50 }, price)).toBe(2_500n);
  });
});
