import { generatePassword, hashPassword } from "../crypto/password";
import { bumpConfigVersion } from "../db/change-feed";
import { db, type Tx } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { audit, actorId, type Actor } from "./audit";
import { AdminError } from "./errors";
import { transaction } from "../db/transaction";
import { book, creditAccount } from "../billing/ledger";
import { expiryAfter } from "../billing/expiry";
import { creditedInRedis } from "../billing/holds-redis";
import { redisEnabled } from "../redis";
import { settings } from "../settings";

export const ROLES = ["admin", "member"] as const;
export type Role = (typeof ROLES)[number];

// deliberately loose: self-hosted hubs use addresses like admin@localhost or user@corp
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized)) throw new AdminError(`not an email address: "${email}"`);
  return normalized;
}

/** The user with this email, or null (also for something that is not an email). */
export async function userByEmail(email: string) {
  const normalized = email.trim().toLowerCase();
  return EMAIL.test(normalized) ? db().user.findUnique({ where: { email: normalized } }) : null;
}

export async function findUserByEmail(email: string, tx: Tx = db()) {
  const user = await tx.user.findUnique({ where: { email: normalizeEmail(email) } });
  if (!user) throw new AdminError(`no user with email ${normalizeEmail(email)}`, "not_found");
  return user;
}

export interface CreateUserInput {
  email: string;
  role: Role;
  password?: string;
  name?: string;
  /**
   * Whether the address is known to belong to this person. Admins, the CLI and an identity provider
   * that vouches for the address create verified users (the default); self sign-up creates an
   * unverified one, which gets its starter credits only when the address is confirmed.
   */
  verified?: boolean;
}

type StarterSettings = Pick<Awaited<ReturnType<typeof settings>>, "mode" | "starterMicrocredits" | "starterCreditExpiryDays">;
export interface StarterGrant {
  accountId: string;
  microcredits: bigint;
}

/**
 * A reseller's new customer starts with the starter credits, exactly once: the ledger reference is
 * per user, so a second call (a confirmation link followed twice, an SSO sign-in racing it) books nothing.
 */
export async function bookStarterCredits(tx: Tx, userId: string, actor: Actor, { mode, starterMicrocredits, starterCreditExpiryDays }: StarterSettings): Promise<StarterGrant | null> {
  if (mode !== "service_provider" || starterMicrocredits <= 0n) return null;
  const account = await creditAccount(tx, { userId });
  const booked = await book(tx, {
    accountId: account.id,
    kind: "starter",
    amountMicrocredits: starterMicrocredits,
    reference: `starter:${userId}`,
    createdById: actorId(actor),
    expiresAt: expiryAfter(starterCreditExpiryDays),
  });
  return booked ? { accountId: account.id, microcredits: starterMicrocredits } : null;
}

/** After the transaction that booked starter credits commits: Redis holds see the new balance. */
export async function publishStarterCredits(grant: StarterGrant | null): Promise<void> {
  if (grant && redisEnabled()) await creditedInRedis(grant.accountId, grant.microcredits);
}

export async function createUser(input: CreateUserInput, actor: Actor) {
  const email = normalizeEmail(input.email);
  if (input.password !== undefined && input.password.length < 8) throw new AdminError("password must be at least 8 characters");
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const verified = input.verified ?? true;
  const starter = await settings();
  const taken = () => new AdminError(`a user with email ${email} already exists`, "conflict");
  const created = await transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } })) throw taken();
    const user = await tx.user.create({ data: { email, role: input.role, name: input.name ?? null, passwordHash, emailVerified: verified ? new Date() : null } });
    await audit(tx, actor, "user.create", user.id, { email, role: input.role, verified });
    const grant = verified ? await bookStarterCredits(tx, user.id, actor, starter) : null;
    await bumpConfigVersion(tx);
    return { user, grant };
  }).catch((error: unknown) => {
    // a concurrent creation of the same email (two replicas booting, a double-clicked form) got there first
    throw isUniqueViolation(error) ? taken() : error;
  });
  await publishStarterCredits(created.grant);
  return created.user;
}

/**
 * The first admin, on a fresh hub: from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD, or with a generated
 * password that the caller prints once. Does nothing when an admin exists.
 */
export async function ensureFirstAdmin(options: { email?: string; password?: string }) {
  if (await db().user.findFirst({ where: { role: "admin" }, select: { id: true } })) return null;
  const email = normalizeEmail(options.email ?? "admin@localhost");
  const password = options.password ?? generatePassword();
  try {
    const user = await createUser({ email, role: "admin", password }, "bootstrap");
    return { user, password, generated: options.password === undefined };
  } catch (error) {
    // another process created the admin (or the user) first
    if (error instanceof AdminError && error.code === "conflict") return null;
    throw error;
  }
}
