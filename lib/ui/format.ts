// How numbers, money and times read in the UI, in the reader's language. Money arrives as exact decimal
// strings from lib/money.ts. Times are shown in UTC (the ledger's and the statements' clock) whatever
// the language; English keeps the ISO-like "2026-01-31 14:05:09 UTC".
//
// Pages call `formats(await getLocale())` (server) or `formats(useLocale())` (components); the named
// exports below are English, for pages not translated yet.

export interface Formats {
  number(n: number): string;
  /** "$0.001234" → "$0.0012" for display; exact values stay in tooltips and exports. */
  usd(decimal: string): string;
  credits(decimal: string): string;
  percent(share: number): string;
  ms(value: number | null): string;
  dateTime(at: Date | string | null): string;
  date(at: Date | string | null): string;
  /** a price in the currency of the hub's settings (ISO code, e.g. "usd"), from its minor units */
  money(cents: number, currency: string): string;
}

const two = (n: number) => String(n).padStart(2, "0");

export function formats(locale = "en"): Formats {
  const number = (n: number) => n.toLocaleString(locale);
  const english = locale === "en";
  const ymd = (d: Date) =>
    english ? d.toISOString().slice(0, 10) : new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(d);
  return {
    number,
    usd(decimal) {
      const n = Number(decimal);
      if (n === 0) return "$0";
      if (Math.abs(n) < 0.01) return `$${n.toPrecision(2)}`;
      return `$${n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    },
    credits: (decimal) => Number(decimal).toLocaleString(locale, { maximumFractionDigits: 2 }),
    percent: (share) => `${(share * 100).toFixed(share && share < 0.01 ? 2 : 1)}%`,
    ms: (value) => (value === null ? "—" : `${number(value)} ms`),
    dateTime(at) {
      if (!at) return "—";
      const d = new Date(at);
      return `${ymd(d)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
    },
    date: (at) => (at ? ymd(new Date(at)) : "—"),
    money: (cents, currency) => new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(cents / 100),
  };
}

export const { number, usd, credits, percent, ms, dateTime, date } = formats("en");
