import type { Tx } from "../db/client";

/** Who made an operator change: a user id, or "cli". */
export type Actor = string;

/** Records an operator change in the same transaction as the change. Never pass secrets in details. */
export async function audit(tx: Tx, actor: Actor, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
  await tx.auditLog.create({ data: { actor, action, target, details: JSON.stringify(details) } });
}
