import type { HubFixture } from "./hub-fixture";
import { sessionCookie } from "./web-client";

// Distinctive data for authorization tests: anything here that shows up in a response someone may not
// see is a leak, so every value is unique enough to be searched for in a page's bytes.

export const SECRET_HOST = "secret-upstream-host.internal.test";
export const SECRET_PROVIDER = "secretupstreamprov";
const ATTACKER = { email: "mallory-member-4b1e@authz.test", password: "mallory-password-1" };
const VICTIM = { email: "victim-member-7f3a@authz.test", password: "victim-password-1" };
export const ADMIN = { email: "admin@test.local", password: "admin-password-1" };

export interface AuthzWorld {
  attacker: { email: string; id: string; keyPrefix: string; cookie: string };
  victim: { email: string; id: string; keyPrefix: string };
  admin: { email: string; cookie: string };
  /** what no one but an admin may read, whoever asks */
  adminOnly: string[];
  /** what the attacker may not read: everything admin-only that is not the attacker's own */
  hiddenFromAttacker: string[];
}

export async function seedAuthzWorld(f: HubFixture): Promise<AuthzWorld> {
  const { lib } = f;
  const attacker = await lib.createUser({ ...ATTACKER, role: "member" }, "test");
  const victim = await lib.createUser({ ...VICTIM, role: "member" }, "test");
  // a provider whose base URL names an internal host; nothing ever calls it
  const upstreamSecret = "sk-upstreamsecret-9c2d7e1f0a";
  await lib.addProvider({ type: "openai", name: SECRET_PROVIDER, baseUrl: `http://${SECRET_HOST}:9/v1`, apiKey: upstreamSecret }, "test");
  const attackerKey = await lib.createApiKey({ userEmail: ATTACKER.email, name: "mallory key" }, "test");
  const victimKey = await lib.createApiKey({ userEmail: VICTIM.email, name: "victim key" }, "test");
  await lib.grantCredits({ userEmail: VICTIM.email, amount: "1234.5678", note: "victim-grant-note-5d1c" }, "test");
  const otherPrefixes = (await f.db.apiKey.findMany({ where: { userId: { not: attacker.id } }, select: { prefix: true } })).map((k) => k.prefix);
  const emails = (await f.db.user.findMany({ select: { email: true } })).map((u) => u.email);
  const hidden = [...emails.filter((e) => e !== attacker.email), SECRET_HOST, SECRET_PROVIDER, lib.hintOf({ apiKey: upstreamSecret }), "victim-grant-note-5d1c", ...otherPrefixes];
  return {
    attacker: { email: attacker.email, id: attacker.id, keyPrefix: attackerKey.key.prefix, cookie: await sessionCookie(f.hub.url, ATTACKER.email, ATTACKER.password) },
    victim: { email: victim.email, id: victim.id, keyPrefix: victimKey.key.prefix },
    admin: { email: ADMIN.email, cookie: await sessionCookie(f.hub.url, ADMIN.email, ADMIN.password) },
    adminOnly: [...hidden, attacker.email, attackerKey.key.prefix],
    hiddenFromAttacker: hidden,
  };
}

/** The seeded values a body contains. */
export const leaked = (body: string, secrets: string[]) => secrets.filter((s) => body.includes(s));
