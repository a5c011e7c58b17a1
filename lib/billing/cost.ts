import type { TokenUsage } from "../canonical/usage";
import { tokenCost } from "../money";

export interface TokenPrice {
  inputNanoUsdPer1M: bigint;
  outputNanoUsdPer1M: bigint;
  /** null: cached reads cost as much as other input */
  cachedReadNanoUsdPer1M: bigint | null;
  /** null: cache writes cost as much as other input */
  cacheWriteNanoUsdPer1M: bigint | null;
}

/** What the provider charges for a call, in nano-USD. */
export function providerCost(usage: TokenUsage, price: TokenPrice): bigint {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens, usage.promptTokens - cached);
  const plainInput = usage.promptTokens - cached - written;
  return (
    tokenCost(plainInput, price.inputNanoUsdPer1M) +
    tokenCost(cached, price.cachedReadNanoUsdPer1M ?? price.inputNanoUsdPer1M) +
    tokenCost(written, price.cacheWriteNanoUsdPer1M ?? price.inputNanoUsdPer1M) +
    tokenCost(usage.completionTokens, price.outputNanoUsdPer1M)
  );
}

/** A model's price: its provider cost, and what a reseller adds. */
export interface ModelPrice extends TokenPrice {
  imageNanoUsd: bigint | null;
  /** transcription and translation, per minute of audio (null: token-priced) */
  audioNanoUsdPerMinute: bigint | null;
  /** speech, per 1M characters of input text (null: token-priced) */
  characterNanoUsdPer1M: bigint | null;
  /** video generation, per second of video (null: free) */
  videoNanoUsdPerSecond: bigint | null;
  /** the reseller's margin in basis points (2500 = 25 %) */
  marginBps: number;
}

/** What a call is metered in besides tokens: images, milliseconds of audio, characters spoken, milliseconds of video. */
export interface Units {
  images: number;
  audioMs: number;
  characters: number;
  videoMs: number;
}

export const NO_UNITS: Units = { images: 0, audioMs: 0, characters: 0, videoMs: 0 };

/** What calls were metered in, summed: their tokens and their other units (statements, usage pages). */
export interface MeteredUnits extends Units {
  promptTokens: number;
  completionTokens: number;
}

/** `perUnit` for every `unitMs` milliseconds, rounded up. */
const perDuration = (ms: number, perUnit: bigint | null, unitMs: bigint) => (perUnit && ms > 0 ? (BigInt(ms) * perUnit + unitMs - 1n) / unitMs : 0n);

/** The cost of a call's units, in nano-USD (a unit the model has no price for costs nothing). */
export function unitCost(price: ModelPrice, units: Units): bigint {
  return (
    BigInt(units.images) * (price.imageNanoUsd ?? 0n) +
    perDuration(units.audioMs, price.audioNanoUsdPerMinute, 60_000n) +
    tokenCost(units.characters, price.characterNanoUsdPer1M ?? 0n) +
    perDuration(units.videoMs, price.videoNanoUsdPerSecond, 1000n)
  );
}

/** The most a call can use: prompt tokens (estimated), output tokens (capped), and its other units. */
export interface MaxUsage extends Partial<Units> {
  promptTokens: number;
  outputTokens: number;
}

/** The most a call can cost the operator, in nano-USD: what is held before it goes upstream. */
export function maxCost(price: ModelPrice, max: MaxUsage): bigint {
  return tokenCost(max.promptTokens, price.inputNanoUsdPer1M) + tokenCost(max.outputTokens, price.outputNanoUsdPer1M) + unitCost(price, { ...NO_UNITS, ...max });
}
