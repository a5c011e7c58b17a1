import { describe, expect, it } from "vitest";
import { customerPrice, effectiveMarginBps, priceInForce, type ScheduledPrice } from "@/lib/billing/customer-price";
import { componentsOf, differences, sellsBelowCost } from "@/lib/billing/price-components";
import { presentPrice } from "@/lib/billing/price-list";
import { parseCatalogue } from "@/lib/billing/price-guard/catalogue";

const price = (effectiveFrom: string, inputNanoUsdPer1M: bigint, marginBps = 2500): ScheduledPrice => ({
  id: effectiveFrom,
  effectiveFrom: new Date(effectiveFrom),
  inputNanoUsdPer1M,
  outputNanoUsdPer1M: 2n * inputNanoUsdPer1M,
  cachedReadNanoUsdPer1M: null,
  cacheWriteNanoUsdPer1M: null,
  imageNanoUsd: null, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: null,
  marginBps,
});

describe("a customer's price", () => {
  const schedule = [price("2030-01-01T00:00:00Z", 3_000_000_000n), price("2020-01-01T00:00:00Z", 1_000_000_000n)];

  it("is the price in force when the call started", () => {
    expect(priceInForce(schedule, new Date("2029-12-31T23:59:59.999Z"))?.inputNanoUsdPer1M).toBe(1_000_000_000n);
    expect(priceInForce(schedule, new Date("2030-01-01T00:00:00Z"))?.inputNanoUsdPer1M).toBe(3_000_000_000n);
    expect(priceInForce(schedule, new Date("2019-01-01T00:00:00Z"))).toBeNull();
  });

  it("takes the group's margin for the model over the group's, over the model's own", () => {
    const group = { marginBps: 1000, modelMargins: new Map([["m1", 500]]) };
    expect(effectiveMarginBps("m1", 2500, group)).toBe(500);
    expect(effectiveMarginBps("m2", 2500, group)).toBe(1000);
    expect(effectiveMarginBps("m2", 2500, { marginBps: null, modelMargins: new Map() })).toBe(2500);
    expect(effectiveMarginBps("m2", 2500, null)).toBe(2500);
    expect(customerPrice({ id: "m1", prices: schedule }, new Date("2025-01-01"), group)).toMatchObject({ inputNanoUsdPer1M: 1_000_000_000n, marginBps: 500 });
  });
});

describe("price components", () => {
  it("price cached reads and cache writes as input when the price sets none", () => {
    expect(componentsOf({ inputNanoUsdPer1M: 5n, outputNanoUsdPer1M: 9n, cachedReadNanoUsdPer1M: null, cacheWriteNanoUsdPer1M: 7n })).toEqual({ input: 5n, output: 9n, cached_read: 5n, cache_write: 7n });
  });

  it("find drift and sales below cost component by component, margin included", () => {
    const hub = { inputNanoUsdPer1M: 1_000n, outputNanoUsdPer1M: 4_000n, cachedReadNanoUsdPer1M: 100n, cacheWriteNanoUsdPer1M: null, imageNanoUsd: null, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: null, marginBps: 2500 };
    const reference = { input: 1_000n, output: 4_000n, cached_read: 500n, cache_write: 1_250n };
    expect(differences(componentsOf(hub), reference)).toEqual([
      { component: "cached_read", hubNanoUsd: 100n, referenceNanoUsd: 500n },
      { component: "cache_write", hubNanoUsd: 1_000n, referenceNanoUsd: 1_250n },
    ]);
    // cache writes sell at 1,000 × 1.25 = 1,250: not below a cost of 1,250
    expect(sellsBelowCost(hub, reference)).toEqual([{ component: "cached_read", hubNanoUsd: 125n, referenceNanoUsd: 500n }]);
    expect(sellsBelowCost({ ...hub, marginBps: 0 }, reference).map((g) => g.component)).toEqual(["cached_read", "cache_write"]);
  });

  it("take the units audio, speech, image and video models are billed in as components, and find them sold below cost", () => {
    const tokens = { inputNanoUsdPer1M: 0n, outputNanoUsdPer1M: 0n, cachedReadNanoUsdPer1M: null, cacheWriteNanoUsdPer1M: null };
    const hub = { ...tokens, imageNanoUsd: 40_000_000n, audioNanoUsdPerMinute: 4_000_000n, characterNanoUsdPer1M: 10_000_000_000n, videoNanoUsdPerSecond: 80_000_000n, marginBps: 2500 };
    expect(componentsOf(hub)).toEqual({ input: 0n, output: 0n, cached_read: 0n, cache_write: 0n, image: 40_000_000n, audio: 4_000_000n, characters: 10_000_000_000n, video: 80_000_000n });
    // a unit the price does not bill is no component
    expect(componentsOf({ ...hub, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: null })).not.toHaveProperty("video");
    // at +25 %: an image at $0.05, a minute at $0.005, 1M characters at $12.50, a second of video at $0.10
    const reference = { image: 50_000_000n, audio: 6_000_000n, characters: 15_000_000_000n, video: 100_000_000n };
    expect(sellsBelowCost(hub, reference)).toEqual([
      { component: "audio", hubNanoUsd: 5_000_000n, referenceNanoUsd: 6_000_000n },
      { component: "characters", hubNanoUsd: 12_500_000_000n, referenceNanoUsd: 15_000_000_000n },
    ]);
    expect(sellsBelowCost({ ...hub, marginBps: 0 }, reference).map((g) => g.component)).toEqual(["image", "audio", "characters", "video"]);
    expect(differences(componentsOf(hub), reference).map((g) => g.component)).toEqual(["image", "audio", "characters", "video"]);
  });

  it("read a catalogue of USD per 1M tokens, as numbers or decimal strings", () => {
    const catalogue = parseCatalogue([{ provider: "openai", model: "gpt-4o-mini", input: 0.15, output: "0.6", cache_read: 0.075 }]);
    expect(catalogue.get("openai/gpt-4o-mini")).toEqual({ input: 150_000_000n, output: 600_000_000n, cached_read: 75_000_000n, cache_write: 150_000_000n });
    // per minute of audio, per 1M characters, per second of video
    const units = parseCatalogue([{ provider: "openai", model: "sora-2", input: 0, output: 0, audio: "0.006", characters: 15, video: "0.1" }]);
    expect(units.get("openai/sora-2")).toMatchObject({ audio: 6_000_000n, characters: 15_000_000_000n, video: 100_000_000n });
    expect(() => parseCatalogue([{ provider: "openai", model: "x", input: -1, output: 1 }])).toThrow();
    expect(() => parseCatalogue([{ provider: "openai", model: "x", input: 0, output: 0, video: "-0.1" }])).toThrow();
  });
});

describe("the price list", () => {
  it("shows the cost per minute of audio, per 1M characters and per second of video, and sells them at the margin like an image", () => {
    const row = { ...price("2020-01-01T00:00:00Z", 0n, 5000), cachedWriteNanoUsdPer1M: null, imageNanoUsd: 40_000_000n, audioNanoUsdPerMinute: 6_000_000n, characterNanoUsdPer1M: 15_000_000_000n, videoNanoUsdPerSecond: 100_000_000n, source: "admin" };
    // 1 credit = $0.000001: $0.006 a minute + 50 % = 9,000 credits; $15 per 1M characters + 50 % = 22,500,000 credits;
    // $0.10 a second of video + 50 % = 150,000 credits
    const shown = presentPrice(row, 1_000n);
    expect(shown.cost).toMatchObject({ imageUsd: "0.04", audioUsdPerMinute: "0.006", charactersUsdPer1M: "15", videoUsdPerSecond: "0.1" });
    expect(shown.sell).toMatchObject({ imageCredits: "60000", audioCreditsPerMinute: "9000", charactersCreditsPer1M: "22500000", videoCreditsPerSecond: "150000" });
    const tokensOnly = presentPrice({ ...row, imageNanoUsd: null, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: null }, 1_000n);
    expect([tokensOnly.cost.audioUsdPerMinute, tokensOnly.cost.charactersUsdPer1M, tokensOnly.cost.videoUsdPerSecond, tokensOnly.sell.audioCreditsPerMinute, tokensOnly.sell.charactersCreditsPer1M, tokensOnly.sell.videoCreditsPerSecond]).toEqual([null, null, null, null, null, null]);
  });
});
