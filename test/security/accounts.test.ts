import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-provider";
import { startFakeSmtp, type FakeSmtp } from "../fakes/smtp-server";
import { runCli } from "../helpers/cli";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { freePort } from "../helpers/hub-process";
import { WebClient } from "../helpers/web-client";

// Attacks on accounts, against a real hub over HTTP: password guessing (per account and per address,
// with the scrypt work it would cost), sign-up that tells which addresses have accounts, starter
// credits farmed with addresses nobody confirmed, key minting, and single sign-on from an identity
// provider that does not vouch for the address. Mail goes to a real SMTP server on loopback.
//
// The hub trusts loopback as a proxy here (HUB_TRUSTED_PROXIES), so each test plays a client at an
// address of its own through X-Forwarded-For; test/unit/client-address.test.ts shows the header is
// ignored from anyone else.

let f: HubFixture;
let smtp: FakeSmtp;
let oidc: FakeOidc;
let hubUrl: string;

const SIGN_UP = ["/sign-up", "lib/ui/sign-in-actions.ts", "signUp"] as const;
const CREATE_KEY = ["/keys", "lib/ui/account-actions.ts", "createOwnKeyAction"] as const;
const STARTER = 100_000_000n; // 100 credits in micro-credits

beforeAll(async () => {
  smtp = await startFakeSmtp();
  oidc = await startFakeOidc({ clientId: "hub-accounts", clientSecret: "oidc-secret-accounts" });
  const port = await freePort();
  hubUrl = `http://127.0.0.1:${port}`;
  f = await startHubFixture({
    env: {
      PORT: String(port),
      HUB_PUBLIC_URL: hubUrl,
      HUB_SMTP_URL: smtp.url,
      HUB_MAIL_FROM: "Hub <hub@test.local>",
      HUB_TRUSTED_PROXIES: "127.0.0.1",
      HUB_KEY_CREATE_LIMIT_USER: "5/1h",
      AUTH_OIDC_ISSUER: oidc.issuer,
      AUTH_OIDC_CLIENT_ID: oidc.clientId,
      AUTH_OIDC_CLIENT_SECRET: oidc.clientSecret,
    },
  });
  await f.lib.setSetting("mode", "service_provider", "test");
  await f.lib.setSetting("sign-up", "on", "test");
  await f.lib.setSetting("starter-credits", "100", "test");
}, 180_000);

afterAll(async () => {
  await f?.close();
  await smtp?.close();
  await oidc?.close();
});

const client = (address: string) => new WebClient(hubUrl, address);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function member(email: string, password: string) {
  return f.lib.createUser({ email, password, role: "member" }, "test");
}

async function balance(email: string): Promise<bigint> {
  const user = await f.db.user.findUniqueOrThrow({ where: { email }, include: { creditAccount: true } });
  return user.creditAccount?.balanceMicrocredits ?? 0n;
}

const confirmationLink = async (email: string) => {
  const mail = await smtp.waitFor(email, { match: /verify-email\?token=/ });
  return /(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(mail.raw)![1]!;
};

describe("password guessing", () => {
  it("throttles the 6th attempt on one account, refuses even the right password then, and spends no scrypt on it", async () => {
    await member("guessed@test.local", "the-right-password");
    const attacker = client("198.51.100.10");
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await attacker.signIn("guessed@test.local", `guess-${i}`));
    expect(failures.map((r) => r.code)).toEqual(Array(5).fill("invalid_credentials"));
    const throttled = [];
    for (let i = 0; i < 5; i++) throttled.push(await attacker.signIn("guessed@test.local", `guess-more-${i}`));
    expect(throttled.map((r) => r.code)).toEqual(Array(5).fill("throttled"));
    // a throttled attempt is answered before the password is hashed (scrypt: tens of ms)
    expect(median(throttled.map((r) => r.ms))).toBeLessThan(median(failures.map((r) => r.ms)) * 0.6);
    // the owner, from elsewhere, with the right password: the account is closed for the window
    const owner = await client("203.0.113.20").signIn("guessed@test.local", "the-right-password");
    expect(owner).toMatchObject({ ok: false, code: "throttled" });
  });

  it("throttles one address guessing across many accounts (20 per 15 minutes)", async () => {
    await member("sprayed@test.local", "sprayed-password");
    const attacker = client("198.51.100.11");
    for (let i = 0; i < 20; i++) expect((await attacker.signIn(`nobody-${i}@test.local`, "Winter2026!")).code).toBe("invalid_credentials");
    expect(await attacker.signIn("sprayed@test.local", "sprayed-password")).toMatchObject({ ok: false, code: "throttled" });
    // someone else, at another address, is not affected
    expect(await client("203.0.113.21").signIn("sprayed@test.local", "sprayed-password")).toMatchObject({ ok: true });
  });

  it("a successful sign-in clears the account's failures", async () => {
    await member("forgetful@test.local", "forgetful-password");
    const person = client("203.0.113.22");
    for (let i = 0; i < 4; i++) await person.signIn("forgetful@test.local", `typo-${i}`);
    expect((await person.signIn("forgetful@test.local", "forgetful-password")).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect((await client("203.0.113.23").signIn("forgetful@test.local", `typo-again-${i}`)).code).toBe("invalid_credentials");
  });
});

describe("sign-up", () => {
  it("answers the same for an address with an account and a new one, in about the same time", async () => {
    await member("taken@test.local", "taken-password");
    const timed = async (address: string, email: string) => {
      const started = performance.now();
      const answer = await client(address).action(...SIGN_UP, { email, password: "attacker-password" });
      return { answer, ms: performance.now() - started };
    };
    // warm the sign-up path once, so the comparison is not of a first call against a second
    await timed("198.51.100.29", "warm-up@test.local");
    const taken = [];
    const fresh = [];
    for (let i = 0; i < 5; i++) {
      taken.push(await timed(`198.51.100.3${i}`, "taken@test.local"));
      fresh.push(await timed(`198.51.100.3${5 + i}`, `brand-new-${i}@test.local`));
    }
    for (const { answer } of [...taken, ...fresh]) expect(answer).toEqual({ ok: expect.stringMatching(/Check your inbox/) });
    // both hash the password: an early answer for a taken address (no scrypt) would be several times
    // faster. A ratio, not milliseconds, so a loaded machine slows both alike.
    const ratio = median(taken.map((t) => t.ms)) / median(fresh.map((t) => t.ms));
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    // the owner of the taken address hears about it; the attacker's password did nothing
    expect((await smtp.waitFor("taken@test.local")).raw).toMatch(/Someone tried to create an account/);
    expect((await client("203.0.113.30").signIn("taken@test.local", "attacker-password")).ok).toBe(false);
    expect((await client("203.0.113.30").signIn("taken@test.local", "taken-password")).ok).toBe(true);
  });

  it("grants starter credits only when the mailed link is followed, once, and refuses forged or expired links", async () => {
    const email = "farmer@test.local";
    await client("198.51.100.40").action(...SIGN_UP, { email, password: "farmer-password" });
    expect(await balance(email)).toBe(0n);
    // not usable before the address is confirmed
    expect((await client("198.51.100.41").signIn(email, "farmer-password")).ok).toBe(false);

    const link = await confirmationLink(email);
    expect(link.startsWith(`${hubUrl}/verify-email?token=`)).toBe(true);
    for (const attempt of ["confirmed", "refused"]) {
      const page = await (await fetch(link)).text();
      expect(page).toMatch(new RegExp(`data-testid="verify-email-result"[^>]*>${attempt}<`));
    }
    expect(await balance(email)).toBe(STARTER);
    expect(await f.db.creditTransaction.count({ where: { kind: "starter", account: { user: { email } } } })).toBe(1);
    expect((await client("198.51.100.41").signIn(email, "farmer-password")).ok).toBe(true);

    const forged = await (await fetch(`${hubUrl}/verify-email?token=${"A".repeat(43)}`)).text();
    expect(forged).toMatch(/data-testid="verify-email-result"[^>]*>refused</);

    const late = "late@test.local";
    await client("198.51.100.42").action(...SIGN_UP, { email: late, password: "late-password-1" });
    const lateLink = await confirmationLink(late);
    await f.db.emailVerification.updateMany({ where: { user: { email: late } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await (await fetch(lateLink)).text()).toMatch(/data-testid="verify-email-result"[^>]*>refused</);
    expect(await f.db.user.findUniqueOrThrow({ where: { email: late } })).toMatchObject({ emailVerified: null, passwordHash: null });
    expect(await balance(late)).toBe(0n);
  });

  it("throttles sign-ups from one address (5 per hour)", async () => {
    const farm = client("198.51.100.50");
    for (let i = 0; i < 5; i++) expect(await farm.action(...SIGN_UP, { email: `farm-${i}@test.local`, password: "farm-password" })).toMatchObject({ ok: expect.any(String) });
    expect(await farm.action(...SIGN_UP, { email: "farm-5@test.local", password: "farm-password" })).toEqual({ error: expect.stringMatching(/^Too many attempts; try again in \d+ minutes?\.$/) });
    expect(await f.db.user.count({ where: { email: "farm-5@test.local" } })).toBe(0);
  });
});

describe("keys", () => {
  it("throttles a member minting keys (5 per hour here)", async () => {
    await member("minter@test.local", "minter-password");
    const web = client("203.0.113.60");
    expect((await web.signIn("minter@test.local", "minter-password")).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(await web.action(...CREATE_KEY, { name: `key-${i}` })).toMatchObject({ ok: `Created key-${i}`, secret: expect.any(String) });
    expect(await web.action(...CREATE_KEY, { name: "key-5" })).toEqual({ error: expect.stringMatching(/^Too many attempts/) });
    expect(await f.db.apiKey.count({ where: { user: { email: "minter@test.local" } } })).toBe(5);
  });
});

describe("single sign-on", () => {
  it("does not link an existing account to an identity provider that has not verified the address", async () => {
    await member("ceo@test.local", "ceo-password-1");
    oidc.user = { email: "ceo@test.local", name: "Not the CEO", sub: "intruder-1", emailVerified: false };
    const intruder = await client("198.51.100.70").signInWithSso();
    expect(intruder).toMatchObject({ ok: false, code: "AccessDenied" });
    // nor create an account for an unverified address
    oidc.user = { email: "someone-else@test.local", name: "Unverified", sub: "intruder-2", emailVerified: false };
    expect(await client("198.51.100.70").signInWithSso()).toMatchObject({ ok: false, code: "AccessDenied" });
    expect(await f.db.user.count({ where: { email: "someone-else@test.local" } })).toBe(0);
    // a verified address still signs in
    oidc.user = { email: "ceo@test.local", name: "The CEO", sub: "ceo-1", emailVerified: true };
    expect(await client("203.0.113.70").signInWithSso()).toMatchObject({ ok: true });
  });
});

describe("two-factor sign-in", () => {
  const SECURITY = "/security";
  const ACTIONS = "lib/ui/security-actions.ts";
  const codeAt = (secret: string, offsetSeconds = 0) =>
    new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSeconds * 1000 });

  it("an admin turns it on; then a missing, wrong or replayed code is refused like a wrong password", async () => {
    await f.lib.createUser({ email: "second-admin@test.local", password: "second-admin-pw", role: "admin" }, "test");
    const admin = client("203.0.113.80");
    expect((await admin.signIn("second-admin@test.local", "second-admin-pw")).ok).toBe(true);
    const started = await admin.action<{ secret: string }>(SECURITY, ACTIONS, "startTotpAction", {});
    const [uri, secret] = started.secret.split("\n") as [string, string];
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    // stored sealed, never as the base32 the app was given
    expect(JSON.stringify(await f.db.totpFactor.findMany())).not.toContain(secret);
    expect(await admin.action(SECURITY, ACTIONS, "confirmTotpAction", { code: codeAt(secret) })).toMatchObject({ ok: expect.stringMatching(/is on/) });

    expect(await client("203.0.113.81").signIn("second-admin@test.local", "second-admin-pw")).toMatchObject({ ok: false, code: "invalid_credentials" });
    const wrong = codeAt(secret) === "000000" ? "111111" : "000000";
    expect(await client("203.0.113.81").signIn("second-admin@test.local", "second-admin-pw", wrong)).toMatchObject({ ok: false, code: "invalid_credentials" });
    // the code of the next 30-second step (clock drift is allowed one step): good once
    const next = codeAt(secret, 30);
    expect(await client("203.0.113.82").signIn("second-admin@test.local", "second-admin-pw", next)).toMatchObject({ ok: true });
    expect(await client("203.0.113.83").signIn("second-admin@test.local", "second-admin-pw", next)).toMatchObject({ ok: false, code: "invalid_credentials" });

    // the operator's recovery: the CLI turns it off, and the password alone signs in again
    const reset = await runCli(["user", "totp-reset", "--email", "second-admin@test.local", "--json"], f.env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(await client("203.0.113.84").signIn("second-admin@test.local", "second-admin-pw")).toMatchObject({ ok: true });
  });
});
