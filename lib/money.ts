// Money is integers: USD in nano-dollars (1e-9), credits in micro-credits (1e-6). Decimal strings
// from people and config files are parsed digit by digit, never through a float.

export const NANO_PER_USD = 1_000_000_000n;
export const MICRO_PER_CREDIT = 1_000_000n;

export class MoneyFormatError extends Error {
  override name = "MoneyFormatError";
}

/** Parses a non-negative decimal string ("0.15", "12", "0.000001") into integer units of 10^-scale. */
export function parseDecimal(input: string, scale: number, what = "amount"): bigint {
  const text = input.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyFormatError(`${what} must be a non-negative decimal number, got "${input}"`);
  const [, whole, fraction = ""] = match;
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) {
    throw new MoneyFormatError(`${what} has more than ${scale} decimal places: "${input}"`);
  }
  return BigInt(whole!) * 10n ** BigInt(scale) + BigInt(fraction.slice(0, scale).padEnd(scale, "0") || "0");
}

/** Formats integer units of 10^-scale as a decimal string without trailing zeros. */
export function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const base = 10n ** BigInt(scale);
  const fraction = (abs % base).toString().padStart(scale, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / base}${fraction ? `.${fraction}` : ""}`;
}

export const parseUsd = (input: string, what = "USD amount") => parseDecimal(input, 9, what);
export const formatUsd = (nanoUsd: bigint) => formatDecimal(nanoUsd, 9);
/** An amount in a currency's minor unit as the hub writes it in notes and lists: "12.50 USD". */
/** An amount of money as people write it: always two decimals ("10.00 USD", not "10 USD"). */
export function formatMinorUnits(cents: number, currency: string): string {
  const abs = BigInt(Math.abs(cents));
  return `${cents < 0 ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")} ${currency.toUpperCase()}`;
}
export const parseCredits = (input: string, what = "credit amount") => parseDecimal(input, 6, what);
export const formatCredits = (microcredits: bigint) => formatDecimal(microcredits, 6);

/** `tokens × pricePer1M / 1M`, rounded half up to the nano-dollar. */
export function tokenCost(tokens: number, nanoUsdPer1M: bigint): bigint {
  if (tokens <= 0 || nanoUsdPer1M === 0n) return 0n;
  return (BigInt(tokens) * nanoUsdPer1M + 500_000n) / 1_000_000n;
}
