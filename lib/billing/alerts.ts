import { emit } from "../alerts/emit";
import { db } from "../db/client";
import { log } from "../log";
import { formatCredits, formatUsd } from "../money";
import { settings } from "../settings";
import type { Moves, SpendMove } from "./holds";
import type { BalanceMove } from "./ledger";

// Thresholds crossed by a written usage batch. A crossing is a balance going from at or above a
// threshold to below it (or spending from below a budget's 80 % / 100 % to at or above it) within
// one booking, so a balance that stays low alerts once, and again only after it went back above
// and fell once more. The dedup keys add the day (the month for budgets): a crossing the same batch
// retried notices again is sent once.

const crossedDown = (move: BalanceMove, threshold: bigint) => move.beforeMicrocredits >= threshold && move.afterMicrocredits < threshold;

async function lowBalances(moves: BalanceMove[]): Promise<void> {
  const falling = moves.filter((m) => m.afterMicrocredits < m.beforeMicrocredits);
  if (!falling.length) return;
  const operator = (await settings()).alertLowBalanceMicrocredits;
  const accounts = await db().creditAccount.findMany({
    where: { id: { in: falling.map((m) => m.accountId) } },
    select: { id: true, user: { select: { id: true, email: true, alertLowBalanceMicrocredits: true } }, team: { select: { name: true } } },
  });
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const day = new Date().toISOString().slice(0, 10);
  for (const move of falling) {
    const account = byId.get(move.accountId);
    if (!account) continue;
    const data = (threshold: bigint) => ({
      accountId: move.accountId,
      owner: account.user?.email ?? account.team?.name ?? move.accountId,
      balanceCredits: formatCredits(move.afterMicrocredits),
      thresholdCredits: formatCredits(threshold),
    });
    if (operator !== null && crossedDown(move, operator)) emit("balance.low", data(operator), { dedupKey: `low_balance:${move.accountId}:operator:${operator}:${day}` });
    const own = account.user?.alertLowBalanceMicrocredits ?? null;
    if (own !== null && crossedDown(move, own)) emit("balance.low", data(own), { dedupKey: `low_balance:${move.accountId}:customer:${own}:${day}`, userId: account.user!.id });
  }
}

const PERCENTS = [80, 100] as const;

function budgets(moves: SpendMove[]): void {
  for (const move of moves) {
    if (move.limitNanoUsd <= 0n) continue;
    for (const percent of PERCENTS) {
      const threshold = (move.limitNanoUsd * BigInt(percent)) / 100n;
      if (move.beforeNanoUsd >= threshold || move.afterNanoUsd < threshold) continue;
      emit(
        "budget.threshold",
        { scope: move.scope, scopeId: move.scopeId, label: move.label, month: move.period, percent, spentUsd: formatUsd(move.afterNanoUsd), limitUsd: formatUsd(move.limitNanoUsd) },
        { dedupKey: `budget:${move.scope}:${move.scopeId}:${move.period}:${percent}` },
      );
    }
  }
}

/** Alerts on what a committed batch moved; never throws (the batch is written whatever happens here). */
export async function alertOnMoves(moves: Moves): Promise<void> {
  try {
    budgets(moves.spending);
    await lowBalances(moves.balances);
  } catch (error) {
    log.warn({ err: (error as Error).message }, "could not check the alert thresholds of a usage batch");
  }
}
