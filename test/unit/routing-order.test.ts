import { describe, expect, it } from "vitest";
import { affinitySeed, cachedPrefix } from "@/lib/gateway/affinity";
import { rankBy } from "@/lib/gateway/route-stats";

describe("rankBy", () => {
  const items = [
    { id: "a", v: 30 },
    { id: "b", v: undefined },
    { id: "c", v: 10 },
    { id: "d", v: 10 },
    { id: "e", v: null },
  ];
  it("puts the lowest first, keeps ties in the order given, and unmeasured items first when exploring", () => {
    expect(rankBy(items, (i) => i.v, "first").map((i) => i.id)).toEqual(["b", "e", "c", "d", "a"]);
  });
  it("puts items without a number last when they cannot be ranked (an unknown price)", () => {
    expect(rankBy(items, (i) => i.v, "last").map((i) => i.id)).toEqual(["c", "d", "a", "b", "e"]);
  });
});

describe("affinity seeds", () => {
  const messages = [
    { role: "system" as const, content: [{ type: "text" as const, text: "long rules", cache_control: { type: "ephemeral" } }] },
    { role: "user" as const, content: "question one" },
  ];
  it("hashes a prompt up to its last cache_control mark, so what follows does not change it", () => {
    const one = cachedPrefix([{ text: "rules", cache_control: {} }, { text: "q1" }]);
    expect(one).toBe(cachedPrefix([{ text: "rules", cache_control: {} }, { text: "q2" }]));
    expect(one).not.toBe(cachedPrefix([{ text: "other rules", cache_control: {} }, { text: "q1" }]));
    expect(cachedPrefix([{ text: "unmarked" }])).toBeNull();
  });
  it("prefers prompt_cache_key, then a cache_control prefix, then user, then the session header", () => {
    expect(affinitySeed({ model: "m", messages, prompt_cache_key: "k", user: "u" }, { session: "s" })).toBe("key:k");
    expect(affinitySeed({ model: "m", messages, user: "u" }, {})).toMatch(/^prefix:[0-9a-f]{64}$/);
    expect(affinitySeed({ model: "m", messages: [{ role: "user", content: "hi" }], user: "u" }, { session: "s" })).toBe("user:u");
    expect(affinitySeed({ model: "m", messages: [{ role: "user", content: "hi" }] }, { session: "s" })).toBe("session:s");
    expect(affinitySeed({ model: "m", messages: [{ role: "user", content: "hi" }] }, {})).toBeNull();
  });
});
