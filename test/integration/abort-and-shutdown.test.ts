import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { loadThroughSigterm } from "../helpers/load";

let f: HubFixture;
beforeAll(async () => {
  // an upstream still going 300 ms after the client left is cancelled (it would otherwise be read to its end for its usage)
  f = await startHubFixture({ env: { HUB_DISCONNECT_DRAIN_MS: "300" } });
  // a priced model whose upstream streams one piece, then waits to be released
  await f.lib.addModel({ name: "gated", provider: "fake", upstreamModel: "fake-gated", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
  await eventually(() => f.client.models.retrieve("gated"));
});
afterAll(async () => {
  await f?.close();
});

describe("client abort", () => {
  it("cancels the upstream request when the client aborts mid-stream, and still records the call", async () => {
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: "gated", messages: [{ role: "user", content: "a long answer please" }], stream: true })
      .withResponse();
    let received = "";
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta?.content ?? "";
      if (received) break; // leaving the loop aborts the request
    }
    expect(received).toBe("Hello ");
    const upstreamCall = await f.upstream.waitForEarlyClose();
    expect(upstreamCall.finished).toBe(false);
    f.upstream.release();

    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ status: 499, errorCode: "client_closed_request", stream: true, usageSource: "estimated" });
    // what the upstream produced before the abort is counted, not zero
    expect(event.completionTokens).toBeGreaterThan(0);
    expect(event.promptTokens).toBeGreaterThan(0);
    expect(event.costNanoUsd).toBeGreaterThan(0n);
  });

  it("cancels the upstream request when the client gives up on a non-streamed call", async () => {
    const before = f.upstream.requests.filter((r) => r.closedEarly).length;
    const controller = new AbortController();
    const pending = f.client.chat.completions.create({ model: "fake/fake-gated", messages: [{ role: "user", content: "slow" }] }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect
      .poll(() => f.upstream.requests.filter((r) => r.closedEarly).length, { timeout: 5000 })
      .toBeGreaterThan(before);
    f.upstream.release();
    await expect.poll(() => f.db.usageEvent.count({ where: { status: 499, stream: false } }), { timeout: 5000 }).toBe(1);
  });
});

describe("SIGTERM under load", () => {
  it("finishes in-flight calls, records and settles every call clients saw succeed, and exits 0", async () => {
    // paid calls, so every one holds credits that the shutdown must settle
    await f.lib.addModel({ name: "slow", provider: "fake", upstreamModel: "fake-slow", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
    await f.lib.setMode("service_provider", "test");
    await f.lib.grantCredits({ userEmail: MEMBER, amount: "1000000" }, "test");
    await eventually(() => f.client.chat.completions.create({ model: "slow", messages: [{ role: "user", content: "ready?" }] }), 5000);

    const { exitCode, succeeded, refused, spanningTheSignal } = await loadThroughSigterm(f.hub, f.apiKey, "slow");

    expect(exitCode).toBe(0);
    // calls that were in flight when the signal came were allowed to finish
    expect(spanningTheSignal).toBeGreaterThan(8);
    expect(refused).toBe(16);
    // every call a client saw succeed was written before the process exited
    const events = await f.db.usageEvent.findMany({ where: { requestId: { in: succeeded } } });
    expect(events).toHaveLength(succeeded.length);
    expect(events.every((e) => e.status === 200 && e.completionTokens > 0 && e.chargeMicrocredits > 0n)).toBe(true);
    // and nothing was recorded twice (the one other success is the call that waited for the price)
    expect(await f.db.usageEvent.count({ where: { requestedModel: "slow", status: 200 } })).toBe(succeeded.length + 1);
    // every hold was settled: none left, and the balance is the grant less what the calls cost
    const account = await f.db.creditAccount.findFirstOrThrow({ where: { user: { email: MEMBER } } });
    const charged = (await f.db.usageEvent.findMany({ where: { requestedModel: "slow" } })).reduce((sum, e) => sum + e.chargeMicrocredits, 0n);
    expect(await f.db.reservation.count()).toBe(0);
    expect([account.heldMicrocredits, account.balanceMicrocredits]).toEqual([0n, 1_000_000_000_000n - charged]);
  });
});
