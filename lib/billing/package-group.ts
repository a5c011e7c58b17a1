import type { Tx } from "../db/client";

/**
 * A paid package that names a customer group moves its buyer into that group, in the transaction
 * that books the top-up (whose config-version bump makes running processes price them by it).
 */
export async function joinPackageGroup(tx: Tx, payment: { userId: string | null; packageId: string | null }): Promise<void> {
  if (!payment.userId || !payment.packageId) return;
  const pack = await tx.creditPackage.findUnique({ where: { id: payment.packageId }, select: { groupId: true } });
  if (pack?.groupId) await tx.user.update({ where: { id: payment.userId }, data: { groupId: pack.groupId } });
}
