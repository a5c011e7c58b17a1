import { MoneyFormatError, parseUsd } from "../money";
import { bumpConfigVersion } from "../db/change-feed";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { normalizeEmail } from "./users";

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

function monthlyUsd(value: string | null | undefined): bigint | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === "none") return null;
  try {
    return parseUsd(value, "monthly budget");
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
}

export interface CreateTeamInput {
  name: string;
  /** members spend from the team's credit account instead of their own */
  poolCredits?: boolean;
  /** Enterprise budget in USD per calendar month */
  monthlyBudgetUsd?: string;
}

export async function createTeam(input: CreateTeamInput, actor: Actor) {
  if (!NAME.test(input.name)) throw new AdminError("team name must be 1-63 letters, digits, spaces or . _ -");
  const budget = monthlyUsd(input.monthlyBudgetUsd) ?? null;
  return transaction(async (tx) => {
    if (await tx.team.findUnique({ where: { name: input.name } })) throw new AdminError(`a team named ${input.name} already exists`, "conflict");
    const team = await tx.team.create({ data: { name: input.name, poolCredits: input.poolCredits ?? false, monthlyBudgetNanoUsd: budget } });
    await audit(tx, actor, "team.create", team.id, { name: input.name, poolCredits: team.poolCredits, monthlyBudgetUsd: input.monthlyBudgetUsd ?? null });
    await bumpConfigVersion(tx);
    return team;
  });
}

/** Puts a user in a team (their keys follow; the team's budget and pooled credits apply). */
export async function joinTeam(userEmail: string, teamName: string, actor: Actor) {
  return transaction(async (tx) => {
    const team = await tx.team.findUnique({ where: { name: teamName } });
    if (!team) throw new AdminError(`no team named ${teamName}`, "not_found");
    const user = await tx.user.findUnique({ where: { email: normalizeEmail(userEmail) } });
    if (!user) throw new AdminError(`no user with email ${normalizeEmail(userEmail)}`, "not_found");
    await tx.user.update({ where: { id: user.id }, data: { teamId: team.id } });
    await tx.apiKey.updateMany({ where: { userId: user.id }, data: { teamId: team.id } });
    await audit(tx, actor, "team.join", team.id, { user: user.email });
    await bumpConfigVersion(tx);
    return { user, team };
  });
}

/** Takes a user out of their team (their keys follow; they spend from their own account again). */
export async function leaveTeam(userEmail: string, actor: Actor) {
  return transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: normalizeEmail(userEmail) } });
    if (!user) throw new AdminError(`no user with email ${normalizeEmail(userEmail)}`, "not_found");
    if (!user.teamId) throw new AdminError(`${user.email} is in no team`, "not_found");
    await tx.user.update({ where: { id: user.id }, data: { teamId: null } });
    await tx.apiKey.updateMany({ where: { userId: user.id }, data: { teamId: null } });
    await audit(tx, actor, "team.leave", user.teamId, { user: user.email });
    await bumpConfigVersion(tx);
    return user;
  });
}
