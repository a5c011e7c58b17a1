import { MoneyFormatError, parseUsd } from "../money";
import { bumpConfigVersion } from "../db/change-feed";
import type { Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { normalizeEmail } from "./users";
import { REQUEST_LOG_LEVELS } from "../settings";

// Enterprise budgets and rate limits, set on a key, a user or a team; request log levels, on a key or a team.

export type LimitTarget = { userEmail: string } | { teamName: string } | { keyId: string };

type Limits = { monthlyBudgetNanoUsd: bigint | null; rpm: number | null; tpm: number | null };
type Found = { kind: "user" | "team" | "key"; id: string; label: string; limits: Limits; logLevel: string | null };

const limitsOf = (row: Limits): Limits => ({ monthlyBudgetNanoUsd: row.monthlyBudgetNanoUsd, rpm: row.rpm, tpm: row.tpm });

async function find(tx: Tx, target: LimitTarget): Promise<Found> {
  if ("userEmail" in target) {
    const user = await tx.user.findUnique({ where: { email: normalizeEmail(target.userEmail) } });
    if (!user) throw new AdminError(`no user with email ${normalizeEmail(target.userEmail)}`, "not_found");
    return { kind: "user", id: user.id, label: `user ${user.email}`, limits: limitsOf(user), logLevel: null };
  }
  if ("teamName" in target) {
    const team = await tx.team.findUnique({ where: { name: target.teamName } });
    if (!team) throw new AdminError(`no team named ${target.teamName}`, "not_found");
    return { kind: "team", id: team.id, label: `team ${team.name}`, limits: limitsOf(team), logLevel: team.logLevel };
  }
  const key = await tx.apiKey.findFirst({ where: { OR: [{ id: target.keyId }, { prefix: target.keyId }] } });
  if (!key) throw new AdminError(`no API key with id or prefix ${target.keyId}`, "not_found");
  return { kind: "key", id: key.id, label: `key ${key.prefix}`, limits: limitsOf(key), logLevel: key.logLevel };
}

async function update(tx: Tx, found: Found, data: Record<string, bigint | number | string | null>) {
  if (found.kind === "user") await tx.user.update({ where: { id: found.id }, data });
  else if (found.kind === "team") await tx.team.update({ where: { id: found.id }, data });
  else await tx.apiKey.update({ where: { id: found.id }, data });
}

function monthlyUsd(value: string): bigint | null {
  if (value === "none") return null;
  try {
    return parseUsd(value, "monthly budget");
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
}

/** Sets (or with "none", removes) an Enterprise monthly budget in USD. */
export async function setMonthlyBudget(target: LimitTarget, usd: string, actor: Actor) {
  const value = monthlyUsd(usd);
  return transaction(async (tx) => {
    const found = await find(tx, target);
    await update(tx, found, { monthlyBudgetNanoUsd: value });
    await audit(tx, actor, "budget.set", found.id, { target: found.label, monthlyUsd: usd }, { before: { monthlyBudgetNanoUsd: found.limits.monthlyBudgetNanoUsd }, after: { monthlyBudgetNanoUsd: value } });
    await bumpConfigVersion(tx);
    return { target: found.label, monthlyBudgetNanoUsd: value };
  });
}

const MAX_LIMIT = 2_147_483_647;

/** Sets requests and/or tokens per minute ("none" removes a limit). */
export async function setRateLimits(target: LimitTarget, limits: { rpm?: string; tpm?: string }, actor: Actor) {
  const parse = (value: string | undefined, what: string): number | null | undefined => {
    if (value === undefined) return undefined;
    if (value === "none") return null;
    // the columns are 32-bit integers
    if (!/^\d+$/.test(value) || Number(value) === 0 || Number(value) > MAX_LIMIT) throw new AdminError(`${what} must be a whole number from 1 to ${MAX_LIMIT} or "none"`);
    return Number(value);
  };
  const rpm = parse(limits.rpm, "requests per minute");
  const tpm = parse(limits.tpm, "tokens per minute");
  if (rpm === undefined && tpm === undefined) throw new AdminError("give --rpm and/or --tpm");
  return transaction(async (tx) => {
    const found = await find(tx, target);
    await update(tx, found, { ...(rpm !== undefined ? { rpm } : {}), ...(tpm !== undefined ? { tpm } : {}) });
    const before = { rpm: found.limits.rpm, tpm: found.limits.tpm };
    await audit(tx, actor, "limits.set", found.id, { target: found.label, rpm: limits.rpm ?? null, tpm: limits.tpm ?? null }, { before, after: { rpm: rpm === undefined ? before.rpm : rpm, tpm: tpm === undefined ? before.tpm : tpm } });
    await bumpConfigVersion(tx);
    return { target: found.label, rpm, tpm };
  });
}

/** What a key's or a team's calls log: off, metadata or bodies; null (or "inherit") follows the team, then the hub. */
export async function setLogLevel(target: LimitTarget, level: string | null, actor: Actor) {
  const value = level === null || level === "inherit" ? null : level;
  if (value !== null && !(REQUEST_LOG_LEVELS as readonly string[]).includes(value)) throw new AdminError(`log level must be one of: ${REQUEST_LOG_LEVELS.join(", ")}, inherit`);
  if ("userEmail" in target) throw new AdminError("log levels are set on a key or a team");
  return transaction(async (tx) => {
    const found = await find(tx, target);
    await update(tx, found, { logLevel: value });
    await audit(tx, actor, "logging.set", found.id, { target: found.label, logLevel: value }, { before: { logLevel: found.logLevel }, after: { logLevel: value } });
    await bumpConfigVersion(tx);
    return { target: found.label, logLevel: value };
  });
}
