import { bumpConfigVersion } from "../db/change-feed";
import type { Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// Switching things on and off and re-weighting them, from the UI. Every change is audited and
// reaches running processes through the config version within a second.

export const SWITCHABLE = ["provider", "credential", "model", "deployment", "user", "package"] as const;
export type Switchable = (typeof SWITCHABLE)[number];

async function flip(tx: Tx, kind: Switchable, id: string, enabled: boolean): Promise<boolean> {
  const where = { where: { id } };
  switch (kind) {
    case "provider":
      return !!(await tx.provider.updateMany({ ...where, data: { enabled } })).count;
    case "model":
      return !!(await tx.model.updateMany({ ...where, data: { enabled } })).count;
    case "deployment":
      return !!(await tx.deployment.updateMany({ ...where, data: { enabled } })).count;
    case "package":
      return !!(await tx.creditPackage.updateMany({ ...where, data: { enabled } })).count;
    case "credential":
      // re-enabling a key the provider refused puts it back into rotation; the health check re-suspends it if still refused
      return !!(await tx.credential.updateMany({ ...where, data: { status: enabled ? "active" : "disabled", ...(enabled ? { lastError: null } : {}) } })).count;
    case "user":
      return !!(await tx.user.updateMany({ ...where, data: { disabledAt: enabled ? null : new Date() } })).count;
  }
}

export async function setEnabled(kind: Switchable, id: string, enabled: boolean, actor: Actor): Promise<void> {
  await transaction(async (tx) => {
    if (kind === "user" && !enabled) await keepAnAdmin(tx, id, "disable");
    if (!(await flip(tx, kind, id, enabled))) throw new AdminError(`no ${kind} with id ${id}`, "not_found");
    await audit(tx, actor, `${kind}.${enabled ? "enable" : "disable"}`, id, {}, { after: { enabled } });
    await bumpConfigVersion(tx);
  });
}

/** Traffic share of a provider key, or a deployment's priority and share. */
export async function setWeight(kind: "credential" | "deployment", id: string, values: { weight: number; priority?: number }, actor: Actor): Promise<void> {
  const { weight, priority } = values;
  if (!Number.isInteger(weight) || weight < 0 || weight > 1000) throw new AdminError("weight must be a whole number from 0 to 1000");
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0)) throw new AdminError("priority must be a whole number, 0 or more");
  await transaction(async (tx) => {
    const { count } =
      kind === "credential"
        ? await tx.credential.updateMany({ where: { id }, data: { weight } })
        : await tx.deployment.updateMany({ where: { id }, data: { weight, ...(priority !== undefined ? { priority } : {}) } });
    if (!count) throw new AdminError(`no ${kind} with id ${id}`, "not_found");
    await audit(tx, actor, `${kind}.weight`, id, values);
    await bumpConfigVersion(tx);
  });
}

export async function setRole(userId: string, role: "admin" | "member", actor: Actor): Promise<void> {
  await transaction(async (tx) => {
    if (role === "member") await keepAnAdmin(tx, userId, "demote");
    const before = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
    if (!before) throw new AdminError(`no user with id ${userId}`, "not_found");
    await tx.user.update({ where: { id: userId }, data: { role } });
    await audit(tx, actor, "user.role", userId, { role }, { before, after: { role } });
    await bumpConfigVersion(tx);
  });
}

/** A hub must keep one enabled admin, or nobody can manage it from the browser again. */
async function keepAnAdmin(tx: Tx, userId: string, action: string): Promise<void> {
  const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: userId } } });
  const target = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (target?.role === "admin" && others === 0) throw new AdminError(`cannot ${action} the last enabled admin`);
}
