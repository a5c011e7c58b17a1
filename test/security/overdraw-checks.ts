import { expect } from "vitest";
import { eventually } from "../helpers/eventually";
import type { HubFixture } from "../helpers/hub-fixture";

// What the overdraw attacks (overdraw.test.ts, overdraw-redis.test.ts) check after a burst of calls,
// against any hub fixture whose HUB_DEFAULT_MAX_OUTPUT_TOKENS is HELD_OUTPUT.

/** HUB_DEFAULT_MAX_OUTPUT_TOKENS of the fixtures: the output a call without a limit is held for. */
export const HELD_OUTPUT = 1000;
/** calls fired at once */
export const CONCURRENT = 4;
/** $1 / 1M in, $2 / 1M out, no margin; 1 credit = $0.000001: a call holding 1,000 output tokens holds ~2,000 credits */
export const PER_TOKEN = { inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "0" };

export type Answer = { status: number; requestId: string | null; text: string };

export function overdrawChecks(f: HubFixture) {
  let customers = 0;

  /** A fresh customer with `credits`, and a way to call the hub with their key. */
  async function customer(credits: string) {
    const email = `overdraw-${++customers}-${Date.now()}@test.local`;
    await f.lib.createUser({ email, role: "member" }, "test");
    await f.lib.grantCredits({ userEmail: email, amount: credits }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
    const post = async (path: string, body: unknown): Promise<Answer> => {
      const response = await fetch(`${f.hub.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      // streams are read to their end: the call is settled when the client has its answer
      const text = await response.text();
      return { status: response.status, requestId: response.headers.get("x-request-id"), text };
    };
    return { email, post };
  }

  /**
   * Once every admitted call is written: nothing is left held, the balance is the sum of the ledger and
   * not below zero, and the ledger's usage entries are exactly the charges of the calls.
   */
  async function expectNoOverdraw(email: string, requestIds: string[]) {
    for (const requestId of requestIds) await f.usageEvent(requestId, 15_000);
    const user = await f.db.user.findUniqueOrThrow({ where: { email }, include: { creditAccount: true } });
    const accountId = user.creditAccount!.id;
    const events = await f.db.usageEvent.findMany({ where: { userId: user.id } });
    const charged = events.reduce((sum, e) => sum + e.chargeMicrocredits, 0n);
    await eventually(async () => {
      const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId }, include: { transactions: true } });
      expect(account.heldMicrocredits).toBe(0n);
      expect(await f.db.reservation.count({ where: { accountId } })).toBe(0);
      // with Redis the worker books the charges a moment after the events
      expect(-account.transactions.filter((t) => t.kind === "usage").reduce((sum, t) => sum + t.amountMicrocredits, 0n)).toBe(charged);
    }, 15_000);
    const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId }, include: { transactions: true } });
    expect(account.balanceMicrocredits).toBe(account.transactions.reduce((sum, t) => sum + t.amountMicrocredits, 0n));
    expect(account.balanceMicrocredits).toBeGreaterThanOrEqual(0n);
    return { accountId, balance: account.balanceMicrocredits, events };
  }

  /** Fires CONCURRENT calls at once; each is admitted (200) or refused for want of credit (402), nothing else. */
  async function burst(call: () => Promise<Answer>) {
    const results = await Promise.all(Array.from({ length: CONCURRENT }, call));
    for (const r of results) expect([200, 402], r.text.slice(0, 300)).toContain(r.status);
    const admitted = results.filter((r) => r.status === 200);
    expect(admitted.length).toBeGreaterThan(0);
    return admitted.map((r) => r.requestId!);
  }

  /** The upstream chat requests made since `from`, each of which must carry a cap no higher than what was held. */
  function expectCappedUpstream(from: number, heldPerChoice = HELD_OUTPUT) {
    const sent = f.upstream.requests.slice(from).filter((r) => r.path.endsWith("/chat/completions"));
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      const cap = request.body!.max_completion_tokens ?? request.body!.max_tokens;
      expect(cap).toEqual(expect.any(Number));
      expect(cap as number).toBeLessThanOrEqual(heldPerChoice);
    }
  }

  return { customer, expectNoOverdraw, burst, expectCappedUpstream };
}
