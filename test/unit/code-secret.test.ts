import { describe, expect, it } from "vitest";
import { codePrefix, generateCode, hashCode, normaliseCode } from "@/lib/billing/code-secret";

describe("redemption codes", () => {
  it("are HUB- and three groups of four from an alphabet without 0, O, 1 or I", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateCode();
      expect(code).toMatch(/^HUB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    }
  });

  it("are random: a thousand never repeat", () => {
    expect(new Set(Array.from({ length: 1000 }, generateCode)).size).toBe(1000);
  });

  it("hash the same however they are typed: case, spaces, dashes, with or without HUB", () => {
    const code = "HUB-7KQ2-ABCD-XY9Z";
    const hash = hashCode(code);
    for (const typed of ["hub-7kq2-abcd-xy9z", " HUB 7KQ2 ABCD XY9Z ", "HUB7KQ2ABCDXY9Z", "7KQ2-ABCD-XY9Z", "7kq2abcdxy9z"]) expect(hashCode(typed)).toBe(hash);
    expect(hashCode("HUB-7KQ2-ABCD-XY9A")).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keep a HUB that belongs to the code itself", () => {
    expect(normaliseCode("HUBB-CDEF-GHJK")).toBe("HUBBCDEFGHJK");
  });

  it("show only their first group in lists", () => {
    expect(codePrefix("hub-7kq2-abcd-xy9z")).toBe("HUB-7KQ2");
  });
});
