// How numbers read in the UI. Money arrives as exact decimal strings from lib/money.ts.

export const number = (n: number) => n.toLocaleString("en");

/** "$0.001234" → "$0.0012" for display; exact values stay in tooltips and exports. */
export function usd(decimal: string): string {
  const n = Number(decimal);
  if (n === 0) return "$0";
  if (Math.abs(n) < 0.01) return `$${n.toPrecision(2)}`;
  return `$${n.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function credits(decimal: string): string {
  return Number(decimal).toLocaleString("en", { maximumFractionDigits: 2 });
}

export const percent = (share: number) => `${(share * 100).toFixed(share && share < 0.01 ? 2 : 1)}%`;

export const ms = (value: number | null) => (value === null ? "—" : `${number(value)} ms`);

export function dateTime(at: Date | string | null): string {
  if (!at) return "—";
  return new Date(at).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export const date = (at: Date | string | null) => (at ? new Date(at).toISOString().slice(0, 10) : "—");
