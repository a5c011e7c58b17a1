import { AdminError } from "../admin/errors";
import { audit } from "../admin/audit";
import { bookStarterCredits, createUser, normalizeEmail, publishStarterCredits } from "../admin/users";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { settings } from "../settings";

/**
 * The user an identity provider's verified address signs in as. A new address becomes a verified
 * member. An account still waiting for its address to be confirmed (a self sign-up) is confirmed by
 * this: its pending sign-ups are dropped, so a password someone else chose for the address never
 * takes effect, and the starter credits are booked (once per user).
 */
export async function ssoUser(address: string, name: string | undefined) {
  const email = normalizeEmail(address);
  const existing = await db().user.findUnique({ where: { email } });
  if (!existing) {
    try {
      return await createUser({ email, name, role: "member", verified: true }, "sso");
    } catch (error) {
      if (!(error instanceof AdminError && error.code === "conflict")) throw error;
      return db().user.findUniqueOrThrow({ where: { email } });
    }
  }
  if (existing.emailVerified) return existing;
  const starter = await settings();
  const confirmed = await transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: existing.id }, data: { emailVerified: new Date() } });
    await tx.emailVerification.deleteMany({ where: { userId: user.id } });
    await audit(tx, "sso", "user.verify-email", user.id, {});
    return { user, grant: await bookStarterCredits(tx, user.id, "sso", starter) };
  });
  await publishStarterCredits(confirmed.grant);
  return confirmed.user;
}
