import { monthToDate } from "../analytics/periods";
import { usageBreakdown } from "../analytics/usage";
import { formatCredits, formatUsd } from "../money";
import { assertAdmin, ownerScope, type Caller } from "../caller";
import { db } from "../db/client";

// Read models of the users, teams and keys pages: who exists, with their money and this month's spend.
// Each takes its caller and checks it before the first query (lib/caller.ts).

async function spendBy(groupBy: "user" | "team" | "key", userId?: string) {
  const rows = await usageBreakdown({ ...monthToDate(), groupBy, userId });
  return new Map(rows.map((r) => [r.group, r]));
}

const usd = (value: bigint | null) => (value === null ? null : formatUsd(value));

export async function listUsers(caller: Caller) {
  assertAdmin(caller, "the users");
  const [users, spend] = await Promise.all([
    db().user.findMany({
      orderBy: { createdAt: "asc" },
      include: { team: { select: { name: true } }, creditAccount: { select: { balanceMicrocredits: true, heldMicrocredits: true } }, _count: { select: { apiKeys: { where: { revokedAt: null } } } } },
    }),
    spendBy("user"),
  ]);
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as "admin" | "member",
    team: u.team?.name ?? null,
    disabled: u.disabledAt !== null,
    balanceCredits: u.creditAccount ? formatCredits(u.creditAccount.balanceMicrocredits) : null,
    monthlyBudgetUsd: usd(u.monthlyBudgetNanoUsd),
    monthSpendUsd: spend.get(u.id)?.costUsd ?? "0",
    monthCalls: spend.get(u.id)?.calls ?? 0,
    keys: u._count.apiKeys,
    sso: u.passwordHash === null,
    createdAt: u.createdAt,
  }));
}

export async function listTeams(caller: Caller) {
  assertAdmin(caller, "the teams");
  const [teams, spend] = await Promise.all([
    db().team.findMany({ orderBy: { name: "asc" }, include: { creditAccount: { select: { balanceMicrocredits: true } }, _count: { select: { users: true } } } }),
    spendBy("team"),
  ]);
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    poolCredits: t.poolCredits,
    members: t._count.users,
    balanceCredits: t.creditAccount ? formatCredits(t.creditAccount.balanceMicrocredits) : null,
    monthlyBudgetUsd: usd(t.monthlyBudgetNanoUsd),
    logLevel: t.logLevel,
    monthSpendUsd: spend.get(t.id)?.costUsd ?? "0",
  }));
}

/**
 * Keys, newest first, with owner, scope, last use and this month's spend: for an admin everyone's (or
 * `ownerId`'s), for a member only their own, whatever `ownerId` says.
 */
export async function listKeys(caller: Caller, ownerId?: string) {
  const userId = ownerScope(caller, ownerId);
  const [keys, spend] = await Promise.all([
    db().apiKey.findMany({ where: userId ? { userId } : {}, orderBy: { createdAt: "desc" }, include: { user: { select: { email: true } }, team: { select: { name: true } } } }),
    spendBy("key", userId),
  ]);
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    owner: k.user.email,
    team: k.team?.name ?? null,
    models: JSON.parse(k.allowedModels) as string[],
    expiresAt: k.expiresAt,
    revoked: k.revokedAt !== null,
    expired: k.expiresAt !== null && k.expiresAt.getTime() <= Date.now(),
    lastUsedAt: k.lastUsedAt,
    monthlyBudgetUsd: usd(k.monthlyBudgetNanoUsd),
    rpm: k.rpm,
    tpm: k.tpm,
    logLevel: k.logLevel,
    responseCache: k.responseCache,
    monthSpendUsd: spend.get(k.id)?.costUsd ?? "0",
    monthCalls: spend.get(k.id)?.calls ?? 0,
    createdAt: k.createdAt,
  }));
}
