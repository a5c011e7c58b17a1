import { randomUUID } from "node:crypto";
import { budgetPeriod, type Budget } from "./budgets";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { SqlParams } from "../db/sql";
import { bookMany, type BalanceMove } from "./ledger";
import { Totals } from "./totals";

// Holds ("reservations") keep concurrent calls from spending money that is not there. Before the
// upstream call the hub holds the call's maximum charge on the customer's credit account and its
// maximum cost on every Enterprise budget that applies; when the call ends the hold is settled to the
// real amount (in the batched usage write). The admission check is a guarded update —
// `balance - held >= amount` — so however many processes share the database, admitted holds never
// exceed the balance. Each hold is also a Reservation row, so holds of a process that died are
// found and released by the reconciliation job when they expire.

export interface BudgetHold {
  scope: Budget["scope"];
  scopeId: string;
  period: string;
  nanoUsd: bigint;
}

export interface HoldRequest {
  requestId: string;
  /** credits to hold, when the call is paid for (Service Provider mode) */
  credit: { accountId: string; microcredits: bigint } | null;
  budgets: Array<{ budget: Budget; nanoUsd: bigint }>;
  expiresAt: Date;
}

export type HoldRefusal = { pot: "credit" } | { pot: "budget"; budget: Budget; spentNanoUsd: bigint };

class Refused extends Error {
  constructor(readonly refusal: HoldRefusal) {
    super("hold refused");
  }
}

/**
 * Places every hold of a call in the database, or none of them. Returns the refusal when a pot cannot
 * cover its hold. hold-backend.ts decides where a hub keeps its holds; this is the database's way.
 */
export async function reserveInDatabase(request: HoldRequest): Promise<HoldRefusal | null> {
  const period = budgetPeriod(new Date());
  try {
    await transaction(async (tx) => {
      if (request.credit) {
        const { accountId, microcredits } = request.credit;
        const held = await tx.$executeRaw`UPDATE "CreditAccount" SET "heldMicrocredits" = "heldMicrocredits" + ${microcredits}
          WHERE "id" = ${accountId} AND "balanceMicrocredits" - "heldMicrocredits" >= ${microcredits}`;
        if (held === 0) throw new Refused({ pot: "credit" });
      }
      for (const { budget, nanoUsd } of request.budgets) {
        await tx.$executeRaw`INSERT INTO "BudgetCounter" ("id", "scope", "scopeId", "period", "spentNanoUsd", "heldNanoUsd", "updatedAt")
          VALUES (${randomUUID()}, ${budget.scope}, ${budget.scopeId}, ${period}, 0, 0, ${new Date()}) ON CONFLICT ("scope", "scopeId", "period") DO NOTHING`;
        const held = await tx.$executeRaw`UPDATE "BudgetCounter" SET "heldNanoUsd" = "heldNanoUsd" + ${nanoUsd}
          WHERE "scope" = ${budget.scope} AND "scopeId" = ${budget.scopeId} AND "period" = ${period}
          AND ${budget.limitNanoUsd} - "spentNanoUsd" - "heldNanoUsd" >= ${nanoUsd}`;
        if (held === 0) {
          const counter = await tx.budgetCounter.findUnique({ where: { scope_scopeId_period: { scope: budget.scope, scopeId: budget.scopeId, period } } });
          throw new Refused({ pot: "budget", budget, spentNanoUsd: counter?.spentNanoUsd ?? 0n });
        }
      }
      const budgetHolds: BudgetHold[] = request.budgets.map(({ budget, nanoUsd }) => ({ scope: budget.scope, scopeId: budget.scopeId, period, nanoUsd }));
      await tx.reservation.create({
        data: {
          requestId: request.requestId,
          accountId: request.credit?.accountId ?? null,
          amountMicrocredits: request.credit?.microcredits ?? 0n,
          budgetHolds: JSON.stringify(budgetHolds, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
          expiresAt: request.expiresAt,
        },
      });
    });
    return null;
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

/** What a finished call actually used, to settle its holds. */
export interface Settlement {
  requestId: string;
  /** the account charged (also when the hold was already released by reconciliation) */
  accountId: string | null;
  chargeMicrocredits: bigint;
  /** with the limit the call was admitted under, when known: budget alerts compare spending with it */
  budgets: Array<Pick<BudgetHold, "scope" | "scopeId"> & Partial<Pick<Budget, "limitNanoUsd" | "label">>>;
  costNanoUsd: bigint;
  startedAt: Date;
}

/** A budget counter's spending before and after a batch, with the budget's limit. */
export interface SpendMove extends Pick<Budget, "scope" | "scopeId" | "label" | "limitNanoUsd"> {
  period: string;
  beforeNanoUsd: bigint;
  afterNanoUsd: bigint;
}

/** What a batch of settlements moved: balances down, budget spending up. */
export interface Moves {
  balances: BalanceMove[];
  spending: SpendMove[];
}

type ReservationRow = { requestId: string; accountId: string | null; amountMicrocredits: bigint | number; budgetHolds: string };

const parseHolds = (json: string): BudgetHold[] =>
  (JSON.parse(json) as Array<Omit<BudgetHold, "nanoUsd"> & { nanoUsd: string }>).map((h) => ({ ...h, nanoUsd: BigInt(h.nanoUsd) }));

type Counter = Pick<BudgetHold, "scope" | "scopeId" | "period">;
const counterKey = (c: Counter) => `${c.scope}\u0000${c.scopeId}\u0000${c.period}`;

/**
 * Releases the calls' holds (those still there) and books what they really used. Idempotent per
 * request. Set-wise: one DELETE for the holds, one INSERT for the ledger and one UPDATE per account
 * or budget counter touched — a batch of calls costs a handful of statements, not several per call.
 */
export async function settleMany(tx: Tx, settlements: readonly Settlement[]): Promise<Moves> {
  const byRequest = new Map<string, Settlement>();
  for (const s of settlements) if (!byRequest.has(s.requestId)) byRequest.set(s.requestId, s);
  if (!byRequest.size) return { balances: [], spending: [] };

  const params = new SqlParams();
  const released = await tx.$queryRawUnsafe<ReservationRow[]>(
    `DELETE FROM "Reservation" WHERE "requestId" IN ${params.list([...byRequest.keys()])} RETURNING "requestId", "accountId", "amountMicrocredits", "budgetHolds"`,
    ...params.values,
  );
  const heldCredits = new Totals<string>();
  const heldBudgets = new Totals<Counter>();
  for (const hold of released) {
    if (hold.accountId) heldCredits.add(hold.accountId, hold.accountId, BigInt(hold.amountMicrocredits));
    for (const b of parseHolds(hold.budgetHolds)) heldBudgets.add(counterKey(b), b, b.nanoUsd);
  }
  for (const { item: accountId, amount } of heldCredits.entries()) {
    await tx.$executeRaw`UPDATE "CreditAccount" SET "heldMicrocredits" = "heldMicrocredits" - ${amount} WHERE "id" = ${accountId}`;
  }
  for (const { item: b, amount } of heldBudgets.entries()) {
    await tx.$executeRaw`UPDATE "BudgetCounter" SET "heldNanoUsd" = "heldNanoUsd" - ${amount} WHERE "scope" = ${b.scope} AND "scopeId" = ${b.scopeId} AND "period" = ${b.period}`;
  }

  const charged = [...byRequest.values()].filter((s) => s.accountId && s.chargeMicrocredits > 0n);
  const { balances } = await bookMany(
    tx,
    charged.map((s) => ({ accountId: s.accountId!, kind: "usage" as const, amountMicrocredits: -s.chargeMicrocredits, reference: `usage:${s.requestId}` })),
  );

  const spent = new Totals<Counter & Partial<Pick<Budget, "limitNanoUsd" | "label">>>();
  for (const s of byRequest.values()) {
    if (s.costNanoUsd === 0n) continue;
    const period = budgetPeriod(s.startedAt);
    for (const b of s.budgets) spent.add(counterKey({ ...b, period }), { scope: b.scope, scopeId: b.scopeId, period, limitNanoUsd: b.limitNanoUsd, label: b.label }, s.costNanoUsd);
  }
  const counters = spent.entries();
  if (!counters.length) return { balances, spending: [] };
  const now = new Date();
  const rows = new SqlParams();
  await tx.$executeRawUnsafe(
    `INSERT INTO "BudgetCounter" ("id", "scope", "scopeId", "period", "spentNanoUsd", "heldNanoUsd", "updatedAt")
     VALUES ${counters.map(({ item: b }) => rows.list([randomUUID(), b.scope, b.scopeId, b.period, 0n, 0n, now])).join(",")}
     ON CONFLICT ("scope", "scopeId", "period") DO NOTHING`,
    ...rows.values,
  );
  const spending: SpendMove[] = [];
  for (const { item: b, amount } of counters) {
    const [row] = await tx.$queryRaw<Array<{ spentNanoUsd: bigint | number }>>`UPDATE "BudgetCounter" SET "spentNanoUsd" = "spentNanoUsd" + ${amount}
      WHERE "scope" = ${b.scope} AND "scopeId" = ${b.scopeId} AND "period" = ${b.period} RETURNING "spentNanoUsd"`;
    if (!row || b.limitNanoUsd === undefined) continue;
    const after = BigInt(row.spentNanoUsd);
    spending.push({ scope: b.scope, scopeId: b.scopeId, period: b.period, label: b.label ?? b.scopeId, limitNanoUsd: b.limitNanoUsd, beforeNanoUsd: after - amount, afterNanoUsd: after });
  }
  return { balances, spending };
}

/** Releases holds whose calls can no longer settle them (their process died). Returns how many. */
export async function releaseExpiredHolds(now = new Date()): Promise<number> {
  const expired = await db().reservation.findMany({ where: { expiresAt: { lt: now } }, select: { requestId: true }, take: 1000 });
  if (!expired.length) return 0;
  // settlements with no charge: only the holds go (and nothing moves that could alert)
  await transaction((tx) =>
    settleMany(
      tx,
      expired.map(({ requestId }) => ({ requestId, accountId: null, chargeMicrocredits: 0n, budgets: [], costNanoUsd: 0n, startedAt: now })),
    ),
  );
  return expired.length;
}
