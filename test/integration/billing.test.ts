import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Service Provider mode: prices with margins, credit holds, the ledger, 402s, starter credits, and
// Enterprise budgets — against the real server and database.

let f: HubFixture;

async function accountOf(email: string) {
  const user = await f.db.user.findUniqueOrThrow({ where: { email }, include: { creditAccount: { include: { transactions: true } } } });
  return user.creditAccount!;
}

async function customer(email: string, credits: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  if (credits !== "0") await f.lib.grantCredits({ userEmail: email, amount: credits }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  return new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
}

/**
 * The ledger invariant: a balance is the sum of its account's transactions, and nothing is left held.
 * Charges are booked with the batched usage write: the calls' usage events are waited for first.
 */
async function expectLedgerConsistent(email: string, requestIds: string[] = []) {
  for (const requestId of requestIds) await f.usageEvent(requestId, 10_000);
  const { id } = await accountOf(email);
  await eventually(async () => {
    expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id } })).heldMicrocredits).toBe(0n);
    expect(await f.db.reservation.count({ where: { accountId: id } })).toBe(0);
  }, 10_000);
  const account = await accountOf(email);
  expect(account.balanceMicrocredits).toBe(account.transactions.reduce((sum, t) => sum + t.amountMicrocredits, 0n));
  // and the grants the charges drew down add up to the balance
  const { reconcileLedger } = await import("@/lib/billing/reconcile");
  expect(await reconcileLedger([id])).toEqual([]);
  return account;
}

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_DISCONNECT_DRAIN_MS: "5000" } });
  await f.lib.setMode("service_provider", "test");
  // $1 / 1M in, $2 / 1M out, 25 % margin; 1 credit = $0.000001 (the default credit price)
  await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "metered-slow", provider: "fake", upstreamModel: "fake-slow", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
  await eventually(() => f.client.models.retrieve("metered-slow"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("charging in Service Provider mode", () => {
  it("charges provider cost plus margin in credits, books it in the ledger and tells the caller", async () => {
    // enough to cover the hold of a call without max_tokens (its output capped at 4,096 tokens)
    const client = await customer("payer@test.local", "20000");
    const { data, response } = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }] }).withResponse();
    // 10 prompt tokens × $1/1M + 9 completion tokens × $2/1M = 28,000 nano-USD; × 1.25 = 35 credits
    expect(data.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 9 });
    expect(response.headers.get("x-hub-charge-credits")).toBe("35");
    expect(response.headers.get("x-hub-cost-usd")).toBeNull();
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ costNanoUsd: 28_000n, chargeMicrocredits: 35_000_000n });
    const account = await expectLedgerConsistent("payer@test.local");
    expect(account.balanceMicrocredits).toBe(19_965_000_000n);
    expect(account.transactions.find((t) => t.kind === "usage")).toMatchObject({ amountMicrocredits: -35_000_000n, reference: `usage:${event.requestId}` });
  });

  it("refuses a call the balance cannot cover with 402 and a top-up link", async () => {
    const client = await customer("broke@test.local", "1");
    const failure = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "please" }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const error = failure as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(402);
    expect(error.error).toMatchObject({ type: "insufficient_credits", code: "insufficient_credits", top_up_url: `${f.hub.url}/billing` });
    expect(error.message).toMatch(/credit balance is too low/);
    // nothing was sent upstream and nothing was charged
    const account = await expectLedgerConsistent("broke@test.local");
    expect(account.balanceMicrocredits).toBe(1_000_000n);
  });

  it("refuses a customer with no credit account at all", async () => {
    const client = await customer("nobody@test.local", "0");
    const failure = (await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(402);
  });

  it("never admits more than the balance covers, however many calls arrive at once", async () => {
    // each call costs 35 credits and holds at most its cap (max_tokens 9 → 10 × $1 + 9 × $2 per 1M, +25 %)
    const client = await customer("burst@test.local", "350");
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }], max_tokens: 9 }).withResponse()),
    );
    const admitted = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected" && (r.reason as InstanceType<typeof OpenAI.APIError>).status === 402).length;
    expect(admitted + refused).toBe(200);
    const oneCallMax = 35_000_000n;
    const requestIds = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.response.headers.get("x-request-id")!] : []));
    const account = await expectLedgerConsistent("burst@test.local", requestIds);
    const charged = -account.transactions.filter((t) => t.kind === "usage").reduce((sum, t) => sum + t.amountMicrocredits, 0n);
    // admitted charges ≤ balance + one call's maximum, and the balance never below that bound
    expect(charged).toBeLessThanOrEqual(350_000_000n + oneCallMax);
    expect(account.balanceMicrocredits).toBeGreaterThanOrEqual(-oneCallMax);
    expect(BigInt(admitted) * 35_000_000n).toBe(charged);
    expect(admitted).toBeGreaterThanOrEqual(9);
    expect(admitted).toBeLessThanOrEqual(11);
  });

  it("admits calls on credits another process granted, and spends them exactly", async () => {
    // the grants run in this test process, as the `hub` CLI would: the server learns of them through
    // the config change feed (its holds may be in its own memory: SQLite without Redis)
    const client = await customer("topped@test.local", "1");
    const call = async () => {
      const { response } = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }], max_tokens: 9 }).withResponse();
      return response.headers.get("x-request-id")!;
    };
    expect(((await call().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    await f.lib.grantCredits({ userEmail: "topped@test.local", amount: "70" }, "test");
    const { value: first } = await eventually(call, 5000);
    // another operator change reloads balances while this call's charge may not be written yet
    await f.lib.grantCredits({ userEmail: "payer@test.local", amount: "1" }, "test");
    const second = await call();
    expect(((await call().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    const account = await expectLedgerConsistent("topped@test.local", [first, second]);
    expect(account.balanceMicrocredits).toBe(1_000_000n);
  });

  it("charges a client that disconnects after 5 chunks exactly the upstream's usage", async () => {
    const client = await customer("quitter@test.local", "20000");
    const { data: stream, response } = await client.chat.completions
      .create({ model: "metered-slow", messages: [{ role: "user", content: "a long story please" }], stream: true })
      .withResponse();
    let chunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content && ++chunks === 5) break;
    }
    const event = await f.usageEvent(response.headers.get("x-request-id")!, 10_000);
    const upstream = f.upstream.requests.find((r) => r.body?.model === "fake-slow")!;
    // the hub read the upstream to its end after the client left: its own usage, not an estimate
    expect(event).toMatchObject({ status: 499, usageSource: "upstream", promptTokens: 12, completionTokens: upstream.sentText.split(/(?<= )/).length });
    expect(event.chargeMicrocredits).toBe((12n * 1000n + BigInt(event.completionTokens) * 2000n) * 1000n);
    const account = await expectLedgerConsistent("quitter@test.local");
    expect(account.balanceMicrocredits).toBe(20_000_000_000n - event.chargeMicrocredits);
  });

  it("grants starter credits exactly once to users created in Service Provider mode", async () => {
    await f.lib.setSetting("starter-credits", "50", "test");
    await f.lib.createUser({ email: "newbie@test.local", role: "member" }, "test");
    const account = await accountOf("newbie@test.local");
    expect(account.balanceMicrocredits).toBe(50_000_000n);
    expect(account.transactions.map((t) => [t.kind, t.reference])).toEqual([["starter", `starter:${(await f.db.user.findUniqueOrThrow({ where: { email: "newbie@test.local" } })).id}`]]);
    await expect(f.lib.createUser({ email: "newbie@test.local", role: "member" }, "test")).rejects.toThrow(/already exists/);
    expect((await accountOf("newbie@test.local")).transactions).toHaveLength(1);
    await f.lib.setSetting("starter-credits", "0", "test");
  });

  it("applies a new price at once and keeps the old one in the history", async () => {
    const client = await customer("repriced@test.local", "20000");
    await f.lib.setPrice("metered", { marginPercent: "100" }, "test");
    const { value } = await eventually(async () => {
      const { response } = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }] }).withResponse();
      expect(response.headers.get("x-hub-charge-credits")).toBe("56");
      return response;
    });
    expect(value.status).toBe(200);
    const history = await f.lib.priceHistory("metered");
    expect(history.map((p) => p.marginBps)).toEqual([10_000, 2_500]);
    await f.lib.setPrice("metered", { marginPercent: "25" }, "test");
  });
});

describe("Enterprise budgets", () => {
  it("stops a key at its monthly budget with a message that names it", async () => {
    await f.lib.setMode("enterprise", "test");
    // the running hub sees the switch within a second
    await eventually(async () => {
      const { response } = await f.client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }] }).withResponse();
      expect(response.headers.get("x-hub-cost-usd")).not.toBeNull();
    });
    await f.lib.createUser({ email: "staff@test.local", role: "member" }, "test");
    const { secret, key } = await f.lib.createApiKey({ userEmail: "staff@test.local", name: "ci-bot" }, "test");
    // each call costs $0.000028 and holds about as much: the budget covers 3
    await f.lib.setMonthlyBudget({ keyId: key.id }, "0.0001", "test");
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
    const outcomes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }], max_tokens: 9 }).then(
        () => 200,
        (e: InstanceType<typeof OpenAI.APIError>) => e,
      );
      if (typeof result !== "number") {
        expect(result.status).toBe(429);
        expect(result.code).toBe("budget_exceeded");
        expect(result.message).toMatch(/monthly budget of API key 'ci-bot' \(\$0\.0001\) is used up/);
      }
      outcomes.push(typeof result === "number" ? result : result.status!);
      // let the batched settlement book the spend before the next call
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(outcomes).toEqual([200, 200, 200, 429, 429, 429]);
    const counter = await f.db.budgetCounter.findFirstOrThrow({ where: { scope: "key", scopeId: key.id } });
    expect(counter).toMatchObject({ spentNanoUsd: 84_000n, heldNanoUsd: 0n });
  });
});
