import { describe, expect, it } from "vitest";
import { fromUpstreamError, redactSecrets } from "@/lib/gateway/upstream-failure";
import { parseRetryAfter, UpstreamError } from "@/lib/providers/upstream-error";

const credential = { id: "c", secret: { apiKey: "my-very-own-upstream-secret" }, weight: 1 };
const map = (error: UpstreamError) => fromUpstreamError(error, "acme", credential, 1000);
const http = (status: number, message = "nope", extra = {}) => new UpstreamError({ kind: "http", status, message, ...extra });

describe("upstream failures as the client sees them", () => {
  it.each([
    [http(400), 400, "invalid_request_error"],
    [http(404), 404, "invalid_request_error"],
    [http(422), 422, "invalid_request_error"],
    [http(429, "slow down", { retryAfter: 3 }), 429, "rate_limit_error"],
    [http(401), 502, "upstream_error"],
    [http(403), 502, "upstream_error"],
    [http(500), 502, "upstream_error"],
    [http(503), 502, "upstream_error"],
    [new UpstreamError({ kind: "connection", message: "ECONNREFUSED" }), 502, "upstream_error"],
    [new UpstreamError({ kind: "timeout", message: "t" }), 504, "timeout_error"],
    [new UpstreamError({ kind: "aborted", message: "a" }), 499, "invalid_request_error"],
    [new UpstreamError({ kind: "request", message: "the request cannot be encoded as JSON" }), 400, "invalid_request_error"],
  ])("%s → %i", (error, status, type) => {
    const mapped = map(error);
    expect(mapped.status).toBe(status);
    expect(mapped.type).toBe(type);
  });

  it("keeps the upstream's code and param on 4xx, and Retry-After on 429", () => {
    expect(map(http(400, "bad temperature", { code: "invalid_value", param: "temperature" })).toJSON().error).toEqual({
      message: "bad temperature",
      type: "invalid_request_error",
      code: "invalid_value",
      param: "temperature",
    });
    expect(map(http(429, "slow down", { retryAfter: 3 })).headers).toEqual({ "retry-after": "3" });
  });

  it("names no internal address to the client; the admin's record keeps the detail", () => {
    const refused = map(new UpstreamError({ kind: "connection", message: "connect ECONNREFUSED 10.0.0.5:8443" }));
    expect(refused.message).toBe("Could not reach the upstream provider 'acme'.");
    expect(refused.forRecord().message).toContain("ECONNREFUSED 10.0.0.5:8443");
    const proxyPage = map(http(502, "upstream connect error: dial tcp 10.0.0.5:8443: connection refused"));
    expect(JSON.stringify(proxyPage.toJSON())).not.toMatch(/10\.0\.0\.5|dial tcp/);
    expect(proxyPage.forRecord().message).toContain("10.0.0.5");
  });

  it("never echoes the hub's credential", () => {
    const mapped = map(http(400, "key my-very-own-upstream-secret is not valid for sk-proj-abcdef123456"));
    expect(mapped.message).toBe("key [redacted] is not valid for [redacted]");
    expect(redactSecrets("Incorrect API key provided: sk-ab***yz12.", null)).toBe("Incorrect API key provided: [redacted]");
  });

  it("reads Retry-After as seconds or as a date", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
