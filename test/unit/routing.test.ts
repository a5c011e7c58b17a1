import { describe, expect, it } from "vitest";
import { SmoothWeightedRoundRobin } from "@/lib/gateway/route-balancer";
import { isAuthFailure, isRetryable, routeHealth } from "@/lib/gateway/route-health";
import { unanswered, UpstreamError } from "@/lib/providers/upstream-error";

const http = (status: number, retryAfter: number | null = null) => new UpstreamError({ kind: "http", status, message: "x", retryAfter });

describe("smooth weighted round-robin", () => {
  it("interleaves picks in proportion to weight (nginx's 5:1:1 sequence)", () => {
    const balancer = new SmoothWeightedRoundRobin();
    const items = [
      { id: "a", weight: 5 },
      { id: "b", weight: 1 },
      { id: "c", weight: 1 },
    ];
    const picks = Array.from({ length: 7 }, () => balancer.order("g", items)[0]!.id).join(" ");
    expect(picks).toBe("a a b a c a a");
  });

  it("keeps exact proportions over many picks and leaves out zero weights", () => {
    const balancer = new SmoothWeightedRoundRobin();
    const items = [
      { id: "x", weight: 3 },
      { id: "y", weight: 1 },
      { id: "z", weight: 0 },
    ];
    const counts = { x: 0, y: 0, z: 0 };
    for (let i = 0; i < 400; i++) counts[balancer.order("g", items)[0]!.id as "x" | "y" | "z"]++;
    expect(counts).toEqual({ x: 300, y: 100, z: 0 });
  });

  it("orders the rest by weight for fallback, and keeps separate state per group", () => {
    const balancer = new SmoothWeightedRoundRobin();
    const items = [
      { id: "small", weight: 1 },
      { id: "big", weight: 10 },
      { id: "mid", weight: 5 },
    ];
    expect(balancer.order("one", items).map((i) => i.id)).toEqual(["big", "mid", "small"]);
    expect(balancer.order("two", items)[0]!.id).toBe("big");
  });
});

describe("route health", () => {
  it("tells retryable failures and refused credentials apart", () => {
    expect([429, 500, 502, 503, 529, 408].map((s) => isRetryable(http(s)))).toEqual([true, true, true, true, true, true]);
    expect([400, 404, 409, 413, 422, 401, 403].map((s) => isRetryable(http(s)))).toEqual([false, false, false, false, false, false, false]);
    expect(isRetryable(new UpstreamError({ kind: "request", message: "the request cannot be encoded as JSON" }))).toBe(false);
    expect(isRetryable(new UpstreamError({ kind: "timeout", message: "t" }))).toBe(true);
    expect(isRetryable(new UpstreamError({ kind: "connection", message: "c" }))).toBe(true);
    expect(isRetryable(new UpstreamError({ kind: "aborted", message: "a" }))).toBe(false);
    expect([401, 403, 400].map((s) => isAuthFailure(http(s)))).toEqual([true, true, false]);
  });

  it("counts an error without an upstream answer as a connection failure only on the network's evidence", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" });
    expect(unanswered(new TypeError("fetch failed", { cause: refused }))).toMatchObject({ kind: "connection", message: "could not reach the upstream: connect ECONNREFUSED 10.0.0.1:443" });
    expect(unanswered(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })).kind).toBe("connection");
    for (const local of [new RangeError("Maximum call stack size exceeded"), new TypeError("Do not know how to serialize a BigInt"), new Error("no region"), "thrown string"]) {
      expect(unanswered(local).kind).toBe("request");
    }
  });

  it("cools a target down at once on 429, for the provider's Retry-After", () => {
    const now = 1_000_000;
    expect(routeHealth.recordFailure("t429", http(429, 7), now)).toBe(7000);
    expect(routeHealth.coolingFor("t429", now + 6999)).toBe(1);
    expect(routeHealth.coolingFor("t429", now + 7000)).toBe(0);
  });

  it("cools a target down after consecutive failures, and a success resets the count", () => {
    const now = 2_000_000;
    expect(routeHealth.recordFailure("t5xx", http(503), now)).toBe(0);
    expect(routeHealth.recordFailure("t5xx", http(503), now)).toBe(0);
    routeHealth.recordSuccess("t5xx");
    expect(routeHealth.recordFailure("t5xx", http(503), now)).toBe(0);
    expect(routeHealth.recordFailure("t5xx", http(503), now)).toBe(0);
    // the third in a row (HUB_COOLDOWN_AFTER_FAILURES defaults to 3) → HUB_COOLDOWN_MS (30 s)
    expect(routeHealth.recordFailure("t5xx", http(503), now)).toBe(30_000);
    expect(routeHealth.coolingFor("t5xx", now + 1000)).toBe(29_000);
  });
});
