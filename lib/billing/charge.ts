// What a call costs the customer, in micro-credits: provider cost × (1 + margin), at the credit price.
// Rounded up to the next micro-credit so a reseller never sells below cost.

const BPS = 10_000n;
const MICRO = 1_000_000n;

export function chargeFor(costNanoUsd: bigint, marginBps: number, creditPriceNanoUsd: bigint): bigint {
  if (costNanoUsd <= 0n) return 0n;
  const numerator = costNanoUsd * (BPS + BigInt(marginBps)) * MICRO;
  const denominator = BPS * creditPriceNanoUsd;
  return (numerator + denominator - 1n) / denominator;
}
