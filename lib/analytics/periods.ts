// The time ranges the pages ask the rollups for. Days are UTC days, as the rollups' buckets are.

export const DAY_MS = 86_400_000;

const startOfDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/** The last `days` days, today included (the daily bucket that starts today is inside the range). */
export function lastDays(days: number, now = new Date()) {
  const today = startOfDay(now).getTime();
  return { from: new Date(today - (days - 1) * DAY_MS), to: new Date(today + DAY_MS), bucket: "day" as const };
}

/** This calendar month so far, today included. */
export function monthToDate(now = new Date()) {
  return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: lastDays(1, now).to, bucket: "day" as const };
}

/** Midnight (UTC) of today. */
export const startOfToday = (now = new Date()) => startOfDay(now);
