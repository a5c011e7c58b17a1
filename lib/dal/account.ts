import "server-only";
import type { Caller } from "../caller";
import { listPackages } from "../admin/packages";
import { listKeys } from "../admin/directory";
import { myLowBalanceAlert } from "../admin/alert-preferences";
import { accountSummary, accountTransactions } from "../analytics/customer";
import { dashboard } from "../analytics/dashboard";
import { callDetail, callsQuerySchema, listCalls } from "../analytics/usage";
import { userPrincipal } from "../gateway/authenticate";
import { autoRechargeOf } from "../billing/auto-recharge";
import { expiringCredits } from "../billing/expiry";
import { accountTopUps } from "../billing/top-ups";
import { statement } from "../billing/statements";

// The account pages' data-access layer: a member sees only their own rows. Every loader derives whose
// data from the caller, never from an argument a page (or a request) could choose.

export const myKeys = (caller: Caller) => listKeys(caller, caller.id);

export const myDashboard = (caller: Caller) => dashboard(caller.id);

/** The caller's own low-balance alert (threshold and address). */
export const myAlert = (caller: Caller) => myLowBalanceAlert(caller);

export const myCalls = (caller: Caller, page: number, pageSize: number) => listCalls(callsQuerySchema.parse({ userId: caller.id, page, pageSize }));

/** One of the caller's own calls, with its bodies when their key logged them; null for anyone else's. */
export const myCall = (caller: Caller, requestId: string) => callDetail(caller, requestId, { own: true });
export type CallDetail = NonNullable<Awaited<ReturnType<typeof myCall>>>;

/**
 * Balance, one page of the ledger, the packages on sale, credits about to expire, auto-recharge and
 * the latest top-ups with their receipts; null when the account is gone (disabled since).
 */
export async function myBilling(caller: Caller, page: number, pageSize: number) {
  const principal = await userPrincipal(caller.id);
  if (!principal) return null;
  const accountId = principal.creditAccountId;
  const [account, ledger, packages, expiring, autoRecharge, topUps] = await Promise.all([
    accountSummary(principal),
    accountTransactions(principal, { page, pageSize }),
    listPackages({ onSale: true }),
    accountId ? expiringCredits(accountId) : [],
    autoRechargeOf(accountId),
    accountId ? accountTopUps(accountId) : [],
  ]);
  return { account, ledger, packages, expiring, autoRecharge, topUps };
}

/** The caller's monthly statement (of the account they spend from); null when they have none. */
export async function myStatement(caller: Caller, month: string) {
  const principal = await userPrincipal(caller.id);
  return principal?.creditAccountId ? statement(principal.creditAccountId, month) : null;
}
