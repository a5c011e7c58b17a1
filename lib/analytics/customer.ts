import { z } from "zod";
import { formatCredits } from "../money";
import { db } from "../db/client";
import type { Principal } from "../gateway/authenticate";
import { DAY_MS } from "./periods";

// A customer's own view: balance, ledger, and how long the credits will last at the recent pace.

const PACE_DAYS = 7;

export async function accountSummary(principal: Principal, now = new Date()) {
  if (!principal.creditAccountId) return { balance: "0", held: "0", available: "0", averageDailySpend: "0", estimatedDaysLeft: null };
  const [account, spent] = await Promise.all([
    db().creditAccount.findUniqueOrThrow({ where: { id: principal.creditAccountId } }),
    db().creditTransaction.aggregate({ where: { accountId: principal.creditAccountId, kind: "usage", createdAt: { gte: new Date(now.getTime() - PACE_DAYS * DAY_MS) } }, _sum: { amountMicrocredits: true } }),
  ]);
  const available = account.balanceMicrocredits - account.heldMicrocredits;
  const daily = -(spent._sum.amountMicrocredits ?? 0n) / BigInt(PACE_DAYS);
  return {
    balance: formatCredits(account.balanceMicrocredits),
    held: formatCredits(account.heldMicrocredits),
    available: formatCredits(available),
    averageDailySpend: formatCredits(daily),
    // at the last week's pace; null when nothing was spent
    estimatedDaysLeft: daily > 0n ? Number((available > 0n ? available : 0n) / daily) : null,
  };
}

export const pageSchema = z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) });

export async function accountTransactions(principal: Principal, page: z.infer<typeof pageSchema>) {
  if (!principal.creditAccountId) return { data: [], page: page.page, pageSize: page.pageSize, total: 0 };
  const where = { accountId: principal.creditAccountId };
  const [rows, total] = await Promise.all([
    db().creditTransaction.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page.page - 1) * page.pageSize, take: page.pageSize }),
    db().creditTransaction.count({ where }),
  ]);
  return {
    data: rows.map((t) => ({ id: t.id, kind: t.kind, amount: formatCredits(t.amountMicrocredits), reference: t.reference, note: t.note, createdAt: t.createdAt })),
    page: page.page,
    pageSize: page.pageSize,
    total,
  };
}
