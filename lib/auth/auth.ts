import { hkdfSync } from "node:crypto";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { userByEmail } from "../admin/users";
import { masterKey } from "../crypto/master-key";
import { env } from "../env";
import { log } from "../log";
import { clientAddress } from "./client-address";
import { verifyPassword } from "../crypto/password";
import { ssoUser } from "./sso";
import { checkSecondFactor } from "./totp";
import { accountKey, consume, giveBack, reset, Throttled } from "./throttle";

// Web sign-in (Auth.js): email + password, and single sign-on with any OpenID Connect provider when
// AUTH_OIDC_* is set. Sessions are signed, encrypted JWT cookies that carry only the user id: the
// role and the disabled flag are read from the database on every request (lib/auth/session.ts), so
// demoting or disabling someone takes effect at once.

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
  /** the authenticator app's code, for accounts with two-factor sign-in */
  code: z.string().trim().max(10).optional(),
});

class InvalidCredentials extends CredentialsSignin {
  override code = "invalid_credentials";
}

/** Too many attempts for the account or the address; the sign-in form says when to come back. */
export class SignInThrottled extends CredentialsSignin {
  override code = "throttled";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

/**
 * Counts the attempt against the client's address and the account before any password is hashed, so a
 * throttled guess costs no scrypt. Every attempt counts; a success then clears the account's count and
 * gives the address its attempt back.
 */
async function admitAttempt(address: string, account: string): Promise<void> {
  try {
    await consume("signInAddress", address);
    await consume("signInAccount", account);
  } catch (error) {
    if (error instanceof Throttled) throw new SignInThrottled(error.retryAfterSeconds);
    throw error;
  }
}

async function signedInWell(address: string, account: string): Promise<void> {
  await reset("signInAccount", account);
  await giveBack("signInAddress", address);
}

/** AUTH_SECRET, or a key derived from the master key so the embedded default needs no extra secret. */
function authSecret(): string {
  const configured = env().AUTH_SECRET;
  if (configured) return configured;
  return Buffer.from(hkdfSync("sha256", masterKey().key, Buffer.alloc(0), "aigne-hub web sessions", 32)).toString("base64url");
}

function providers(): Provider[] {
  const list: Provider[] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" }, code: { label: "Two-factor code", type: "text" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const address = clientAddress(request.headers);
        const account = accountKey(parsed.data.email);
        await admitAttempt(address, account);
        const user = await userByEmail(parsed.data.email);
        // verify even without a user, so timing does not tell which emails exist
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !ok || !user.passwordHash || user.disabledAt) throw new InvalidCredentials();
        // a missing or wrong code is the same failure as a wrong password, and counts the same
        if ((await checkSecondFactor(user.id, parsed.data.code || undefined)) === "failed") throw new InvalidCredentials();
        await signedInWell(address, account);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  const { AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: clientId, AUTH_OIDC_CLIENT_SECRET: clientSecret, AUTH_OIDC_NAME: name } = env();
  if (issuer && clientId && clientSecret) list.push({ id: "oidc", name, type: "oidc", issuer, clientId, clientSecret });
  return list;
}

function describeCause(cause: unknown): string | undefined {
  if (!cause) return undefined;
  const inner = (cause as { err?: unknown }).err ?? cause;
  return inner instanceof Error ? inner.message : String(inner);
}

// a valid scrypt hash of a random password: compared against when the email is unknown
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

// HUB_PUBLIC_URL is deliberately not copied into AUTH_URL: with AUTH_URL set, app/api/auth hands
// Auth.js Next's own request URL (http://localhost:<port>, which next-auth's AUTH_URL rewrite does not
// replace in this Next version), so an SSO callback's redirect_uri differed from the one the sign-in
// sent and every SSO sign-in failed. Without it, the route rebuilds the request at publicBaseUrl()
// (HUB_PUBLIC_URL), and sign-ins started by server actions use the Host the browser sent, which a
// proxy in front of the hub must forward (X-Forwarded-Host) — the same address.

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  // self-hosted behind reverse proxies: the Host header names the hub
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: providers(),
  logger: {
    // Auth.js wraps the real failure (an identity provider's answer, a database error) in `cause`
    error: (error) => log.warn({ err: (error as { type?: string }).type ?? error.name, cause: describeCause(error.cause) }, "sign-in error"),
    warn: () => {},
    debug: () => {},
  },
  callbacks: {
    // single sign-on: an identity provider that vouches for the address (email_verified) signs its
    // owner in to the account with that address, or creates a member on first sign-in. Without that
    // claim nothing is linked or created: anyone may type any address into some identity providers.
    async signIn({ user, account, profile }) {
      if (account?.provider !== "oidc") return true;
      // some providers (Amazon Cognito) send the claim as the string "true"
      const vouched = profile?.email_verified === true || (profile?.email_verified as unknown) === "true";
      if (!user.email || !vouched) {
        log.warn({ reason: user.email ? "email not verified by the identity provider" : "no email" }, "single sign-on refused");
        return false;
      }
      const known = await ssoUser(user.email, user.name ?? undefined);
      if (known.disabledAt) return false;
      user.id = known.id;
      return true;
    },
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));
