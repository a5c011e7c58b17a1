import { z } from "zod";
import { db } from "../../../db/client";
import { ApiError } from "../../../http/api-error";
import { formatCredits } from "../../../money";
import { settings } from "../../../settings";
import type { Principal } from "../../authenticate";
import type { CallContext } from "../../context";
import { credentialHealth } from "../../credential-health";
import { planRoute } from "../../route";
import { routeHealth } from "../../route-health";

// The AIGNE Hub protocol's account endpoints that its published clients call: whether the hub can
// serve the caller right now (/api/v2/status), the caller's credits (/api/user/credit/balance and
// /transactions) and where to buy more (/api/user/credit/payment-link). Every answer is about the
// key's own account: the account comes from the key, never from the request.

const NOT_ENOUGH = "NOT_ENOUGH";

export const paymentLink = async (origin: string) => (await settings()).topUpUrl ?? `${origin}/billing`;

/** The account's balance as the original hub's payment kit reports it (credits as decimal strings). */
async function balanceOf(accountId: string) {
  const [account, granted, grants] = await Promise.all([
    db().creditAccount.findUniqueOrThrow({ where: { id: accountId } }),
    db().creditTransaction.aggregate({ where: { accountId, amountMicrocredits: { gt: 0 } }, _sum: { amountMicrocredits: true } }),
    db().creditGrant.count({ where: { accountId, remainingMicrocredits: { gt: 0n } } }),
  ]);
  return { spendable: account.balanceMicrocredits - account.heldMicrocredits, held: account.heldMicrocredits, granted: granted._sum.amountMicrocredits ?? 0n, grants };
}

const CURRENCY = { name: "Credits", symbol: "credits", decimal: 6 };

// GET /api/user/credit/balance
export async function creditBalance(principal: Principal) {
  if (!principal.creditAccountId) return { balance: "0", currency: CURRENCY, total: "0", grantCount: 0, pendingCredit: "0" };
  const b = await balanceOf(principal.creditAccountId);
  return { balance: formatCredits(b.spendable > 0n ? b.spendable : 0n), currency: CURRENCY, total: formatCredits(b.granted), grantCount: b.grants, pendingCredit: formatCredits(b.held) };
}

export const creditTransactionsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  /** unix seconds, inclusive */
  start: z.coerce.number().int().min(0).max(1e11).optional(),
  /** unix seconds, exclusive */
  end: z.coerce.number().int().min(0).max(1e11).optional(),
});

// GET /api/user/credit/transactions?page&pageSize&start&end – the ledger, newest first
export async function creditTransactions(principal: Principal, query: z.infer<typeof creditTransactionsQuery>) {
  if (!principal.creditAccountId) return { count: 0, list: [] };
  const createdAt = { ...(query.start !== undefined ? { gte: new Date(query.start * 1000) } : {}), ...(query.end !== undefined ? { lt: new Date(query.end * 1000) } : {}) };
  const where = { accountId: principal.creditAccountId, createdAt };
  const [count, rows] = await Promise.all([
    db().creditTransaction.count({ where }),
    db().creditTransaction.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
  ]);
  return {
    count,
    list: rows.map((t) => ({ id: t.id, type: t.kind, amount: formatCredits(t.amountMicrocredits), description: t.note ?? t.kind, created_at: t.createdAt.toISOString() })),
  };
}

type Status = { available: true } | { available: false; error: string; code: number; link?: string; type?: string };

/** Whether one of the model's routes can take a call now (not cooling down, its credential not suspended). */
function servable(plan: Awaited<ReturnType<typeof planRoute>>): boolean {
  for (const target of plan.targets()) {
    const credential = target.upstream.credential;
    if ((!credential || !credentialHealth.isSuspended(credential.id)) && routeHealth.coolingFor(target.key) === 0) return true;
  }
  return false;
}

// GET /api/v2/status?model= – always 200: the answer says whether, and why not
export async function hubStatus(ctx: CallContext, model: string | undefined): Promise<Status> {
  const config = await settings();
  if (config.mode === "service_provider") {
    const spendable = ctx.principal.creditAccountId ? (await balanceOf(ctx.principal.creditAccountId)).spendable : 0n;
    if (spendable <= 0n) {
      const link = await paymentLink(ctx.origin);
      return { available: false, error: `Your credit balance is too low to call models; buy credits at ${link}`, code: 402, link, type: NOT_ENOUGH };
    }
  }
  if (!model) return { available: true };
  try {
    const plan = await planRoute(ctx, model, null);
    if (config.mode === "service_provider" && !plan.price) return { available: false, error: `The model '${model}' has no price yet.`, code: 503 };
    if (!servable(plan)) return { available: false, error: `The model '${model}' has no deployment that can take a call right now.`, code: 503 };
    return { available: true };
  } catch (error) {
    if (error instanceof ApiError) return { available: false, error: error.message, code: error.status };
    throw error;
  }
}

export const statusQuery = z.object({ model: z.string().min(1).max(256).optional() });
