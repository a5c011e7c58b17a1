import { describe, expect, it } from "vitest";
import { compileModelPatterns } from "@/lib/model-patterns";

describe("key model scopes", () => {
  it("allows everything when no pattern is set", () => {
    expect(compileModelPatterns([])("anything/at-all")).toBe(true);
  });

  it("matches exact names and globs, and nothing else", () => {
    const allowed = compileModelPatterns(["gpt-4o", "openai/*", "*-mini"]);
    expect(allowed("gpt-4o")).toBe(true);
    expect(allowed("gpt-4o-2024")).toBe(false);
    expect(allowed("openai/o3")).toBe(true);
    expect(allowed("anthropic/claude")).toBe(false);
    expect(allowed("gpt-4o-mini")).toBe(true);
  });

  it("treats regex characters in patterns literally", () => {
    const allowed = compileModelPatterns(["a.b/*"]);
    expect(allowed("a.b/x")).toBe(true);
    expect(allowed("aXb/x")).toBe(false);
  });
});
