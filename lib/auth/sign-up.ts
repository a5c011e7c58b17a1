import { createHash, randomBytes } from "node:crypto";
import { AdminError } from "../admin/errors";
import { audit } from "../admin/audit";
import { bookStarterCredits, createUser, normalizeEmail, publishStarterCredits } from "../admin/users";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { env } from "../env";
import { mailConfigured, sendInBackground } from "../mail/mailer";
import { settings } from "../settings";
import { hashPassword } from "../crypto/password";

// Self sign-up with address confirmation. The answer never says whether an address has an account:
// a new address gets a confirmation link, a confirmed one a notice that someone tried to sign up, and
// both callers see the same sentence after the same work (one scrypt hash, one mail queued). The
// password chosen at sign-up waits with the token and is set only when the link is followed, so
// someone who signs up with another person's address can neither sign in nor choose that person's
// password; the starter credits follow the confirmation, once.

export const CONFIRMATION_TTL_MS = 24 * 3600 * 1000;
export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
}

/**
 * Why self sign-up is closed on this hub, or null when it is open: "closed" by the operator (or the mode),
 * "no_mail" when the hub cannot send the confirmation link. The UI says it in the reader's language.
 */
export async function signUpClosedReason(): Promise<"closed" | "no_mail" | null> {
  const { mode, signUpEnabled } = await settings();
  if (mode !== "service_provider" || !signUpEnabled) return "closed";
  // the link must point at the hub's own address: built from the Host header, an attacker could
  // send a victim a link to their own server and learn the token
  if (!mailConfigured() || !env().HUB_PUBLIC_URL) return "no_mail";
  return null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const confirmUrl = (token: string) => `${env().HUB_PUBLIC_URL!.replace(/\/+$/, "")}/verify-email?token=${token}`;

/** Registers a sign-up and queues the right e-mail; the caller gives the same answer whatever happened. */
export async function registerSignUp(input: SignUpInput): Promise<void> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true, emailVerified: true } });
  if (existing?.emailVerified) {
    sendInBackground(
      {
        to: email,
        subject: "Someone tried to create an account with your address",
        text: `Someone tried to create an account on ${env().HUB_PUBLIC_URL} with this address, which already has one. If it was you, sign in instead. If not, you can ignore this message.`,
      },
      "sign-up attempt notice",
    );
    return;
  }
  let userId = existing?.id;
  if (!userId) {
    try {
      userId = (await createUser({ email, name: input.name, role: "member", verified: false }, "sign-up")).id;
    } catch (error) {
      // a sign-up for the same address committed in between: treat it as the existing one
      if (!(error instanceof AdminError && error.code === "conflict")) throw error;
      userId = (await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
    }
  }
  const token = randomBytes(32).toString("base64url");
  await db().emailVerification.create({ data: { userId, tokenHash: hashToken(token), passwordHash, expiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS) } });
  sendInBackground(
    {
      to: email,
      subject: "Confirm your address",
      text: `Follow this link to confirm your address and finish creating your account:\n\n${confirmUrl(token)}\n\nThe link works once, for 24 hours. If you did not sign up, ignore this message.`,
    },
    "address confirmation",
  );
}

export type Confirmation = { ok: true; email: string } | { ok: false };

/**
 * Follows a confirmation link: the token is taken (deleted) atomically, so it works once; an
 * expired, unknown or forged one changes nothing. Sets the pending password, marks the address
 * verified and books the starter credits (once per user, whatever races).
 */
export async function confirmEmail(token: string): Promise<Confirmation> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false };
  const starter = await settings();
  const result = await transaction(async (tx) => {
    const pending = await tx.emailVerification.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { email: true, emailVerified: true } } } });
    if (!pending) return null;
    const taken = await tx.emailVerification.deleteMany({ where: { id: pending.id, expiresAt: { gt: new Date() } } });
    if (taken.count !== 1) return null;
    // an address confirmed already (through another link, or single sign-on) keeps its password
    if (!pending.user.emailVerified) {
      await tx.user.update({ where: { id: pending.userId }, data: { emailVerified: new Date(), passwordHash: pending.passwordHash } });
      await tx.emailVerification.deleteMany({ where: { userId: pending.userId } });
      await audit(tx, "sign-up", "user.verify-email", pending.userId, {});
    }
    const grant = await bookStarterCredits(tx, pending.userId, "sign-up", starter);
    return { email: pending.user.email, grant };
  });
  if (!result) return { ok: false };
  await publishStarterCredits(result.grant);
  return { ok: true, email: result.email };
}
