import { userPrincipal } from "../gateway/authenticate";
import { db } from "../db/client";
import { formatUsd } from "../billing/money";
import { settings } from "../settings";
import { accountSummary } from "./customer";
import { usageSeries } from "./usage";

const DAY = 86_400_000;

/** A signed-in person's dashboard: balance (Service Provider) or budgets (Enterprise), and 30 days of their usage. */
export async function dashboard(userId: string, now = new Date()) {
  const principal = await userPrincipal(userId);
  if (!principal) return null;
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [{ mode }, account, usage, month] = await Promise.all([
    settings(),
    accountSummary(principal, now),
    usageSeries({ from: new Date(today - 29 * DAY), to: new Date(today + DAY), bucket: "day", userId, groupBy: "model" }),
    // this month's spend per budget scope, from the same counters the budgets are enforced with
    Promise.all(
      principal.budgets.map(async (b) => {
        const where = { startedAt: { gte: monthStart }, ...(b.scope === "key" ? { apiKeyId: b.scopeId } : b.scope === "user" ? { userId: b.scopeId } : { teamId: b.scopeId }) };
        const spent = await db().usageEvent.aggregate({ where, _sum: { costNanoUsd: true } });
        return { scope: b.scope, label: b.label, limitUsd: formatUsd(b.limitNanoUsd), spentUsd: formatUsd(spent._sum.costNanoUsd ?? 0n), share: Number(spent._sum.costNanoUsd ?? 0n) / Number(b.limitNanoUsd || 1n) };
      }),
    ),
  ]);
  return { mode, account, usage, budgets: month.filter((b) => b.scope !== "key") };
}
