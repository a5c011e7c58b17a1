import * as OTPAuth from "otpauth";
import { AdminError } from "../admin/errors";
import { audit, type Actor } from "../admin/audit";
import { findUserByEmail } from "../admin/users";
import { keyForVersion, masterKey } from "../crypto/master-key";
import { open, seal } from "../crypto/secret-box";
import { db } from "../db/client";
import { transaction } from "../db/transaction";

// Two-factor sign-in with time-based one-time passwords (RFC 6238: six digits, 30-second steps, SHA-1,
// what every authenticator app reads). The secret is sealed with the master key and bound to the user
// (a row copied to another user does not open). A code is accepted for the step before, at or after
// now (clock drift), and only once: lastUsedStep moves forward atomically, so a code seen over a
// shoulder or in a proxy log cannot be replayed.

const PERIOD = 30;
const context = (userId: string) => `totp:${userId}`;

function totpFor(secret: OTPAuth.Secret, label = "") {
  return new OTPAuth.TOTP({ issuer: "AIGNE Hub", label, algorithm: "SHA1", digits: 6, period: PERIOD, secret });
}

async function storedSecret(userId: string) {
  const factor = await db().totpFactor.findUnique({ where: { userId } });
  if (!factor) return null;
  const key = keyForVersion(factor.keyVersion) ?? masterKey();
  return { factor, secret: OTPAuth.Secret.fromBase32(open(factor, context(userId), key)) };
}

/**
 * The step a code is good for, or null: a wrong, malformed or already used code. Taking the step
 * (lastUsedStep < step → step) is one conditional update, so two sign-ins racing with one code
 * cannot both pass.
 */
async function takeCode(userId: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const stored = await storedSecret(userId);
  if (!stored) return false;
  const delta = totpFor(stored.secret).validate({ token: code, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / PERIOD) + delta;
  const taken = await db().totpFactor.updateMany({ where: { userId, lastUsedStep: { lt: step } }, data: { lastUsedStep: step } });
  return taken.count === 1;
}

export type SecondFactor = "not_enrolled" | "passed" | "failed";

/** At sign-in, after the password: whether this user needs a code, and whether the one given is good. */
export async function checkSecondFactor(userId: string, code: string | undefined): Promise<SecondFactor> {
  const factor = await db().totpFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
  if (!factor?.confirmedAt) return "not_enrolled";
  return code && (await takeCode(userId, code)) ? "passed" : "failed";
}

export async function totpStatus(userId: string): Promise<"off" | "enrolling" | "on"> {
  const factor = await db().totpFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
  return !factor ? "off" : factor.confirmedAt ? "on" : "enrolling";
}

/** A new secret to add to an authenticator app: as an otpauth:// URI (for a QR code) and as base32 to type. */
export async function startEnrolment(userId: string, email: string): Promise<{ uri: string; secret: string }> {
  if ((await totpStatus(userId)) === "on") throw new AdminError("Two-factor sign-in is on already; turn it off first to use a new app.", "conflict");
  const secret = new OTPAuth.Secret({ size: 20 });
  const sealed = seal(secret.base32, context(userId), masterKey());
  await db().totpFactor.upsert({ where: { userId }, create: { userId, ...sealed }, update: { ...sealed, confirmedAt: null, lastUsedStep: 0 } });
  return { uri: totpFor(secret, email).toString(), secret: secret.base32 };
}

/** The first right code from the app turns two-factor sign-in on. */
export async function confirmEnrolment(userId: string, code: string, actor: Actor): Promise<void> {
  if ((await totpStatus(userId)) !== "enrolling") throw new AdminError("Start by adding the hub to your authenticator app.");
  if (!(await takeCode(userId, code))) throw new AdminError("That code is not right; check the app's clock and try the next one.");
  await transaction(async (tx) => {
    await tx.totpFactor.update({ where: { userId }, data: { confirmedAt: new Date() } });
    await audit(tx, actor, "user.totp-enable", userId);
  });
}

/** Turning it off takes a current code, so a session left open is not enough. */
export async function disableWithCode(userId: string, code: string, actor: Actor): Promise<void> {
  if ((await totpStatus(userId)) !== "on") throw new AdminError("Two-factor sign-in is not on.");
  if (!(await takeCode(userId, code))) throw new AdminError("That code is not right.");
  await removeFactor(userId, actor);
}

async function removeFactor(userId: string, actor: Actor): Promise<void> {
  await transaction(async (tx) => {
    await tx.totpFactor.deleteMany({ where: { userId } });
    await audit(tx, actor, "user.totp-reset", userId);
  });
}

/** Recovery by an operator (`hub user totp-reset --email`): for someone who lost their authenticator. */
export async function resetTotp(email: string, actor: Actor): Promise<{ email: string; removed: boolean }> {
  const user = await findUserByEmail(email);
  const removed = (await totpStatus(user.id)) !== "off";
  await removeFactor(user.id, actor);
  return { email: user.email, removed };
}

/**
 * Re-seals two-factor secrets under the current master key (part of `hub crypto rotate`), opening each
 * with the key that sealed it; one sealed with a key no longer configured is left as it is.
 */
export async function resealTotpSecrets(): Promise<number> {
  const current = masterKey();
  let resealed = 0;
  for (const row of await db().totpFactor.findMany({ where: { keyVersion: { not: current.version } } })) {
    const key = keyForVersion(row.keyVersion);
    if (!key) continue;
    const sealed = seal(open(row, context(row.userId), key), context(row.userId), current);
    resealed += (await db().totpFactor.updateMany({ where: { userId: row.userId, keyVersion: row.keyVersion }, data: sealed })).count;
  }
  return resealed;
}
