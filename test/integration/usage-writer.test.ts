import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { syntheticUsage } from "../helpers/usage-events";

// The usage write as the worker (or the embedded server) runs it, on the database of the project:
// every value comes back as it went in, and a batch written again (a retried job) adds only its new
// events and charges them once.

let f: HubFixture;
let writeUsageBatch: typeof import("@/lib/billing/usage-writer").writeUsageBatch;

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_ROLLUP_EVERY_MS: "3600000" } });
  ({ writeUsageBatch } = await import("@/lib/billing/usage-writer"));
});

afterAll(async () => {
  await f?.close();
});

describe("usage batch write", () => {
  it("keeps every value exactly, and a retried batch writes and charges only its new events", async () => {
    await f.lib.grantCredits({ userEmail: MEMBER, amount: "100", note: "test" }, "test");
    const account = await f.db.creditAccount.findFirstOrThrow({ where: { user: { email: MEMBER } } });
    const before = account;

    const [first, second, third] = syntheticUsage({ count: 3, from: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, 123)), spanMinutes: 60 });
    // values a careless encoding loses: beyond 2^53, quotes, newlines and non-ASCII, a boolean, nulls, milliseconds
    first!.event.costNanoUsd = 9_007_199_254_740_993_123n;
    first!.event.errorMessage = `the upstream said "no"\nline two — ünïcödé ✓ \\ done`;
    first!.event.errorCode = "rate_limit";
    first!.event.cacheHit = true;
    first!.event.ttfbMs = null;
    for (const queued of [first!, second!, third!]) {
      queued.settlement = { requestId: queued.event.requestId, accountId: account.id, chargeMicrocredits: 1_000_000n, budgets: [], costNanoUsd: 0n, startedAt: queued.event.startedAt };
    }

    await writeUsageBatch([first!, second!]);
    // the same batch again (the queue delivered it twice) with one event more
    await writeUsageBatch([first!, second!, third!]);

    const rows = await f.db.usageEvent.findMany({ where: { requestId: { in: [first!, second!, third!].map((q) => q.event.requestId) } } });
    expect(rows).toHaveLength(3);
    const written = rows.find((row) => row.requestId === first!.event.requestId)!;
    expect(written.costNanoUsd).toBe(9_007_199_254_740_993_123n);
    expect(written.errorMessage).toBe(first!.event.errorMessage);
    expect(written.errorCode).toBe("rate_limit");
    expect(written.cacheHit).toBe(true);
    expect(written.ttfbMs).toBeNull();
    expect(written.startedAt.toISOString()).toBe(first!.event.startedAt.toISOString());
    expect(written.chargeMicrocredits).toBe(first!.event.chargeMicrocredits);
    expect(written.stream).toBe(first!.event.stream);

    // three calls charged one credit each, once, however often their batch was written
    const charges = await f.db.creditTransaction.findMany({ where: { accountId: account.id, kind: "usage" } });
    expect(charges.map((c) => c.amountMicrocredits)).toEqual([-1_000_000n, -1_000_000n, -1_000_000n]);
    const after = await f.db.creditAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(before.balanceMicrocredits - after.balanceMicrocredits).toBe(3_000_000n);
  });

  it("writes an event whose text holds a NUL character or a lone surrogate (a client's model name, an upstream's error), and the rest of its batch", async () => {
    // Postgres text cannot hold U+0000 or half a surrogate pair: written as they came, one such event failed
    // its whole batch, retried for good
    const [nul, surrogate, other] = syntheticUsage({ count: 3, from: new Date(), spanMinutes: 1 });
    nul!.event.requestedModel = "gpt\u0000-4o";
    nul!.event.errorMessage = "upstream said \u0000 nothing";
    surrogate!.event.requestedModel = "gpt-4o\ud800";
    surrogate!.event.errorMessage = "half a pair: \udc00.";
    await writeUsageBatch([nul!, surrogate!, other!]);
    const rows = await f.db.usageEvent.findMany({ where: { requestId: { in: [nul!, surrogate!, other!].map((q) => q.event.requestId) } } });
    expect(rows).toHaveLength(3);
    const withNul = rows.find((row) => row.requestId === nul!.event.requestId)!;
    // the same on both databases: NUL dropped, half a pair replaced
    expect(withNul.requestedModel).toBe("gpt-4o");
    expect(withNul.errorMessage).toBe("upstream said  nothing");
    const withSurrogate = rows.find((row) => row.requestId === surrogate!.event.requestId)!;
    expect(withSurrogate.requestedModel).toBe("gpt-4o\ufffd");
    expect(withSurrogate.errorMessage).toBe("half a pair: \ufffd.");
  });
});
