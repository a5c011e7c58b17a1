import { hkdfSync } from "node:crypto";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { createUser, userByEmail } from "../admin/users";
import { masterKey } from "../crypto/master-key";
import { env } from "../env";
import { log } from "../log";
import { verifyPassword } from "./password";

// Web sign-in (Auth.js): email + password, and single sign-on with any OpenID Connect provider when
// AUTH_OIDC_* is set. Sessions are signed, encrypted JWT cookies that carry only the user id: the
// role and the disabled flag are read from the database on every request (lib/auth/session.ts), so
// demoting or disabling someone takes effect at once.

const credentialsSchema = z.object({ email: z.string().trim().min(1), password: z.string().min(1) });

class InvalidCredentials extends CredentialsSignin {
  override code = "invalid_credentials";
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
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const user = await userByEmail(parsed.data.email);
        // verify even without a user, so timing does not tell which emails exist
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !ok || !user.passwordHash || user.disabledAt) throw new InvalidCredentials();
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

// Sign-ins started by server actions build their URLs from AUTH_URL, else from the request's Host:
// with HUB_PUBLIC_URL set, both halves of a sign-in must use it.
if (env().HUB_PUBLIC_URL && !process.env.AUTH_URL) process.env.AUTH_URL = env().HUB_PUBLIC_URL;

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
    // single sign-on: the identity provider vouches for the email; first sign-in creates a member
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      if (!user.email) return false;
      const known = (await userByEmail(user.email)) ?? (await createUser({ email: user.email, name: user.name ?? undefined, role: "member" }, "sso"));
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
