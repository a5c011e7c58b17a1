import { describe, expect, it } from "vitest";
import { bucketStarts, fillBuckets, mergeRows, MAX_FILLED_POINTS, percentile, sumsOf, totalsByGroup, type SumsRow } from "@/lib/analytics/buckets";

// The charts' buckets: every hour or day of the range present (zero where nobody called), and the
// rollups' rows plus the calls not rolled up yet added up where they share a bucket.

const DAY = 86_400_000;
const NOV_1 = new Date(Date.UTC(2026, 10, 1));
const row = (bucketStart: string, group: string | null, calls: number, costNanoUsd = 0n): SumsRow => ({ bucketStart, group, sums: sumsOf({ calls, costNanoUsd }) });

describe("bucketStarts", () => {
  it("lists every day of the range, the first floored to its midnight", () => {
    const starts = bucketStarts(new Date(NOV_1.getTime() + 5 * 3_600_000), new Date(NOV_1.getTime() + 3 * DAY), "day");
    expect(starts).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z", "2026-11-03T00:00:00.000Z"]);
  });

  it("lists every hour of the range", () => {
    expect(bucketStarts(NOV_1, new Date(NOV_1.getTime() + DAY), "hour")).toHaveLength(24);
  });
});

describe("fillBuckets", () => {
  it("draws a range with one call on one day as every day present, one of them not zero", () => {
    const to = new Date(NOV_1.getTime() + 30 * DAY);
    const filled = fillBuckets([row("2026-11-17T00:00:00.000Z", null, 1)], NOV_1, to, "day", false);
    expect(filled).toHaveLength(30);
    expect(filled.map((r) => r.bucketStart)).toEqual(bucketStarts(NOV_1, to, "day"));
    expect(filled.filter((r) => r.sums.calls !== 0)).toEqual([row("2026-11-17T00:00:00.000Z", null, 1)]);
  });

  it("gives every group every bucket, in time order", () => {
    const to = new Date(NOV_1.getTime() + 3 * DAY);
    const filled = fillBuckets([row("2026-11-01T00:00:00.000Z", "gpt-4o", 2), row("2026-11-03T00:00:00.000Z", "claude", 1)], NOV_1, to, "day", true);
    expect(filled.map((r) => `${r.bucketStart.slice(8, 10)} ${r.group} ${r.sums.calls}`)).toEqual(["01 claude 0", "01 gpt-4o 2", "02 claude 0", "02 gpt-4o 0", "03 claude 1", "03 gpt-4o 0"]);
  });

  it("drops rows outside the range", () => {
    expect(fillBuckets([row("2026-10-31T00:00:00.000Z", null, 9)], NOV_1, new Date(NOV_1.getTime() + DAY), "day", false).map((r) => r.sums.calls)).toEqual([0]);
  });

  it("leaves a range of too many points unfilled (years in hours)", () => {
    const rows = [row("2026-11-01T00:00:00.000Z", null, 1)];
    expect(fillBuckets(rows, new Date(0), NOV_1, "hour", false)).toBe(rows);
    expect(MAX_FILLED_POINTS).toBeGreaterThan(31 * 24);
  });
});

describe("mergeRows", () => {
  it("adds the not-yet-rolled tail to the rollups where bucket and group match, exactly", () => {
    const rolled = [row("2026-11-01T00:00:00.000Z", "gpt-4o", 3, 1_000_000_001n), row("2026-11-02T00:00:00.000Z", "gpt-4o", 1, 5n)];
    const tail = [row("2026-11-02T00:00:00.000Z", "gpt-4o", 2, 7n), row("2026-11-02T00:00:00.000Z", "claude", 1, 1n)];
    const merged = mergeRows(rolled, tail);
    expect(merged.map((r) => [r.bucketStart.slice(8, 10), r.group, r.sums.calls, r.sums.costNanoUsd])).toEqual([
      ["01", "gpt-4o", 3, 1_000_000_001n],
      ["02", "claude", 1, 1n],
      ["02", "gpt-4o", 3, 12n],
    ]);
    expect(Object.fromEntries([...totalsByGroup(merged)].map(([g, s]) => [g, s.calls]))).toEqual({ "gpt-4o": 6, claude: 1 });
  });

  it("shows today's call before any rollup: no rollup rows, one tail row, every bucket present", () => {
    const to = new Date(NOV_1.getTime() + 7 * DAY);
    const filled = fillBuckets(mergeRows([], [row("2026-11-07T00:00:00.000Z", null, 1)]), NOV_1, to, "day", false);
    expect(filled.map((r) => r.sums.calls)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});

describe("percentile", () => {
  it("takes the nearest rank, and null of no calls", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(51);
    expect(percentile(sorted, 0.95)).toBe(96);
    expect(percentile([42], 0.95)).toBe(42);
    expect(percentile([], 0.5)).toBeNull();
  });
});
