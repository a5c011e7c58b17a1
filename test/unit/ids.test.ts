import { describe, expect, it } from "vitest";
import { uuidv7 } from "@/lib/ids";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 UUID carrying the current millisecond", () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it("sorts by creation time across milliseconds and never repeats (several pool refills)", async () => {
    const early = Array.from({ length: 2000 }, uuidv7);
    await new Promise((resolve) => setTimeout(resolve, 3));
    const late = Array.from({ length: 2000 }, uuidv7);
    expect(new Set([...early, ...late]).size).toBe(4000);
    const latestEarly = [...early].sort().at(-1)!;
    const earliestLate = [...late].sort()[0]!;
    expect(latestEarly < earliestLate).toBe(true);
  });
});
