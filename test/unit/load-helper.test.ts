import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { isDrainRefusal } from "../helpers/load";

// The SIGTERM load test counts clients a draining hub turned away; only those may count, so that a
// failed assertion or an unexpected status inside a client fails the test instead of being counted.
describe("the SIGTERM load helper", () => {
  const apiError = (status: number, code: string) => OpenAI.APIError.generate(status, { error: { message: "m", type: "t", code } }, "m", new Headers());

  it("counts 503 shutting_down and a refused connection as a drain refusal", () => {
    expect(isDrainRefusal(apiError(503, "shutting_down"))).toBe(true);
    expect(isDrainRefusal(new OpenAI.APIConnectionError({ message: "connect ECONNREFUSED" }))).toBe(true);
  });

  it("does not count failed assertions or other answers", () => {
    let assertion: unknown;
    try {
      expect("text").toBe("other text");
    } catch (error) {
      assertion = error;
    }
    expect(assertion).toBeInstanceOf(Error);
    expect(isDrainRefusal(assertion)).toBe(false);
    expect(isDrainRefusal(apiError(502, "upstream_error"))).toBe(false);
    expect(isDrainRefusal(apiError(503, "database_unavailable"))).toBe(false);
  });
});
