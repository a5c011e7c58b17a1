import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaked, seedAuthzWorld, SECRET_PROVIDER, type AuthzWorld } from "../helpers/authz-seed";
import Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe-api";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Point 1 (and 8) of the security issue: every server action is an endpoint anyone can POST to with its
// id, whatever page it was bound on. Each action in the build's manifest is called as anonymous and as
// a member with valid, attacker-chosen fields; the database must not change. The same call as an admin
// must change it, which shows the fields were good enough to do harm.

// React's own encoding of a server action's arguments, as the browser sends them
const { encodeReply } = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply(value: unknown[]): Promise<FormData | string>;
};

const MANIFEST = path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json");

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

/**
 * Actions anyone may call: signing in and up, signing out (which only clears the caller's own cookie) and
 * the language switcher (which only sets the caller's own language cookie).
 */
const ANONYMOUS_ACTIONS = ["signInWithPassword", "signInWithSso", "signUp", "signOutAction", "setLocaleAction"];

type Fields = (w: AuthzWorld, f: HubFixture) => Promise<Record<string, string>> | Record<string, string>;

/** Actions on a member's own things: anonymous is refused; a member may not reach someone else's. */
const MEMBER_ACTIONS: Record<string, { fields: Fields; memberRefused: boolean }> = {
  createOwnKeyAction: { fields: () => ({ name: "anonymous key" }), memberRefused: false },
  revokeOwnKeyAction: { fields: async (w, f) => ({ id: (await f.db.apiKey.findFirstOrThrow({ where: { userId: w.victim.id } })).id }), memberRefused: true },
  topUpAction: { fields: async (_w, f) => ({ packageId: (await f.db.creditPackage.findFirstOrThrow()).id }), memberRefused: false },
  // two-factor sign-in of the caller's own account: anonymous must not start, confirm or turn it off for anyone
  startTotpAction: { fields: () => ({}), memberRefused: false },
  confirmTotpAction: { fields: () => ({ code: "123456" }), memberRefused: false },
  disableTotpAction: { fields: () => ({ code: "123456" }), memberRefused: false },
  // the caller's own low-balance alert: anonymous must not set anyone's
  lowBalanceAlertAction: { fields: () => ({ thresholdCredits: "100", email: "attacker-inbox@authz.test" }), memberRefused: false },
  // the caller's own card and auto-recharge: anonymous must not open a card setup or set anyone's threshold
  saveCardAction: { fields: () => ({}), memberRefused: false },
  autoRechargeAction: { fields: async (_w, f) => ({ enabled: "true", thresholdCredits: "100", packageId: (await f.db.creditPackage.findFirstOrThrow()).id }), memberRefused: false },
  // redeems into the caller's own account only: anonymous must not redeem (or burn) anyone's code
  redeemCodeAction: { fields: async () => ({ code: (await redemptionCode("attacker guess")).code }), memberRefused: false },
};

/** An alert channel for the channel actions to aim at (its webhook answers nothing: port 9). */
async function alertChannel(name: string) {
  const { createChannel } = await import("@/lib/admin/alert-channels");
  return (await createChannel({ name, kind: "webhook", target: "http://127.0.0.1:9/hook" }, "test")).channel;
}

/** A fresh redemption code of a batch named `batch`, for the code actions to aim at. */
async function redemptionCode(batch: string) {
  const { mintCodes } = await import("@/lib/admin/codes");
  return (await mintCodes({ amount: "1000", batch }, "test")).codes[0]!;
}

/** A customer group for the group actions to aim at. */
async function customerGroup(name: string) {
  const { createGroup } = await import("@/lib/admin/groups");
  return createGroup({ name, marginPercent: "50" }, "test");
}

/** Admin actions, each with fields an attacker would send to take something over. */
const ADMIN_ACTIONS: Record<string, Fields> = {
  toggleAction: (w) => ({ kind: "user", id: w.victim.id, enabled: "false" }),
  weightAction: async (_w, f) => ({ kind: "deployment", id: (await f.db.deployment.findFirstOrThrow()).id, weight: "0", priority: "9" }),
  createKeyAction: (w) => ({ userEmail: w.attacker.email, name: "stolen key" }),
  createAdminTokenAction: () => ({ name: "stolen admin token", scope: "full" }),
  createChannelAction: () => ({ name: "exfiltration", kind: "webhook", target: "http://attacker.example.test/hook" }),
  channelEnabledAction: async () => ({ id: (await alertChannel("ops pager")).id, enabled: "false" }),
  deleteChannelAction: async () => ({ id: (await alertChannel("ops mail")).id }),
  testChannelAction: async () => ({ id: (await alertChannel("ops test")).id }),
  replayDeliveryAction: async () => {
    const { sendTestAlert } = await import("@/lib/admin/alert-channels");
    return { id: (await sendTestAlert((await alertChannel("ops replay")).id, "test")).id };
  },
  alertThresholdsAction: () => ({ lowBalanceCredits: "1", spikeFactor: "", spikeFloorUsd: "1" }),
  revokeAdminTokenAction: async () => {
    const { createAdminToken } = await import("@/lib/admin/tokens");
    return { id: (await createAdminToken({ name: "ops token", scope: "full" }, "test")).token.id };
  },
  revokeKeyAction: async (w, f) => ({ id: (await f.db.apiKey.findFirstOrThrow({ where: { userId: w.victim.id, revokedAt: null } })).id }),
  testProviderAction: () => ({ name: SECRET_PROVIDER }),
  updateProviderAction: () => ({ name: "fake", baseUrl: "http://attacker.example.test/v1" }),
  addProviderAction: () => ({ type: "openai", name: "attacker-prov", baseUrl: "http://attacker.example.test/v1", apiKey: "sk-attacker-1" }),
  addCredentialAction: () => ({ provider: "fake", name: "attacker-cred", apiKey: "sk-attacker-2" }),
  createUserAction: () => ({ email: "attacker-made@authz.test", role: "admin", password: "attacker-password-1" }),
  // the admin control really promotes: a bystander, so the attacker stays a member for the next actions
  roleAction: async (_w, f) => ({ id: (await f.db.user.findUniqueOrThrow({ where: { email: MEMBER } })).id, role: "admin" }),
  createTeamAction: () => ({ name: "attacker-team" }),
  joinTeamAction: (w) => ({ email: w.attacker.email, team: "pool" }),
  limitsAction: (w) => ({ userEmail: w.victim.email, monthlyUsd: "0.01", rpm: "1" }),
  grantAction: (w) => ({ account: `user:${w.attacker.email}`, amount: "1000000", note: "free money" }),
  mintCodesAction: () => ({ amount: "1000000", count: "5", maxUses: "1000" }),
  disableCodeAction: async () => ({ id: (await redemptionCode("ops codes")).id }),
  disableBatchAction: async () => {
    await redemptionCode("ops batch");
    return { batch: "ops batch" };
  },
  addPackageAction: () => ({ name: "attacker pack", price: "0.01", credits: "1000000" }),
  addModelAction: () => ({ name: "attacker-model", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "0", outputUsdPer1M: "0" }),
  setPriceAction: () => ({ model: "gpt-4o-mini", inputUsdPer1M: "0", outputUsdPer1M: "0" }),
  addDeploymentAction: () => ({ model: "gpt-4o-mini", provider: "fake", upstreamModel: "attacker-upstream" }),
  addAliasAction: () => ({ model: "gpt-4o-mini", alias: "attacker-alias" }),
  setRoutingAction: () => ({ model: "gpt-4o-mini", strategy: "price" }),
  // a cached answer is billed at the cache's share: a member must not opt their key (or a model) in, nor share answers
  setResponseCacheAction: async (w, f) => ({ keyId: (await f.db.apiKey.findFirstOrThrow({ where: { userId: w.attacker.id } })).id, responseCache: "on" }),
  saveResponseCacheAction: () => ({ responseCacheEnabled: "on", responseCacheShared: "on", responseCacheTtlSeconds: "604800", responseCacheBilledFraction: "0", responseCacheMaxEntryBytes: "16777216" }),
  // a refund through Stripe takes a customer's credits back: only an admin may
  refundAction: async (_w, f) => ({ paymentId: (await f.db.payment.findFirstOrThrow({ where: { status: "paid" } })).id, amount: "1", reason: "requested_by_customer", note: "attacker" }),
  // a member must not price themselves into a cheaper group, nor make one
  assignGroupAction: async (w) => ({ email: w.attacker.email, id: (await customerGroup("free-lunch")).id }),
  createGroupAction: () => ({ name: "attacker-group", marginPercent: "0" }),
  updateGroupAction: async () => ({ id: (await customerGroup("vip")).id, name: "vip", marginPercent: "0" }),
  groupModelMarginAction: async () => ({ id: (await customerGroup("margins")).id, model: "gpt-4o-mini", marginPercent: "0" }),
  deleteGroupAction: async () => ({ id: (await customerGroup("doomed")).id }),
  checkPricesAction: () => ({}),
  // request logging: turning on body logging, or a victim's key to bodies, would read customers' prompts
  saveLoggingSettingsAction: () => ({ requestLogging: "bodies", logBodiesRetentionDays: "3650" }),
  logLevelAction: async (w, f) => ({ keyId: (await f.db.apiKey.findFirstOrThrow({ where: { userId: w.victim.id } })).id, level: "bodies" }),
  saveSettingsAction: () => ({ mode: "service_provider", creditPriceUsd: "1", starterCredits: "1000000", signUpEnabled: "on", brandName: "Owned", currency: "usd", directModelRouting: "on" }),
};

/** Actions whose effect is not a row (a connection test): the admin control checks the answer instead. */
const READ_ONLY_ACTIONS = ["testProviderAction"];

const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as { node: Record<string, ManifestEntry> };
const actions = Object.entries(manifest.node).map(([id, entry]) => ({ id, name: entry.exportedName, file: entry.filename, page: pageUrl(Object.keys(entry.workers)[0]!) }));

/** "app/(account)/keys/page" → "/keys" */
function pageUrl(worker: string): string {
  return `/${worker.split("/").slice(1, -1).filter((s) => !/^\(.*\)$/.test(s)).join("/")}`;
}

let f: HubFixture;
let world: AuthzWorld;
let stripe: FakeStripe;
const WEBHOOK_SECRET = "whsec_authz_actions_0123";

/** A paid top-up of the victim's, for the refund action to aim at. */
async function paidTopUp(packageId: string) {
  const { createCheckout } = await import("@/lib/billing/stripe");
  const { id } = await createCheckout({ userId: world.victim.id, creditAccountId: null }, packageId, f.hub.url);
  const payload = JSON.stringify(stripe.pay(id));
  const res = await fetch(`${f.hub.url}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
    body: payload,
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  stripe = await startFakeStripe();
  f = await startHubFixture({ env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url } });
  world = await seedAuthzWorld(f);
  await f.lib.createTeam({ name: "pool", poolCredits: true }, "test");
  const pack = await f.lib.addPackage({ name: "starter pack", price: "10", credits: "1000" }, "test");
  await paidTopUp(pack.id);
}, 120_000);

afterAll(async () => {
  await f?.close();
  await stripe?.close();
});

/** Everything an action could change, small enough to compare whole. */
async function snapshot() {
  const db = f.db;
  const [users, keys, ledger, providers, credentials, models, deployments, aliases, prices, settings, audit, teams, packages, totp, adminTokens, alertChannels, alertDeliveries, payments, autoRecharges, accounts, codes, groups, groupPrices] = await Promise.all([
    db.user.findMany({ select: { id: true, email: true, role: true, disabledAt: true, teamId: true, groupId: true, monthlyBudgetNanoUsd: true, alertEmail: true, alertLowBalanceMicrocredits: true }, orderBy: { id: "asc" } }),
    db.apiKey.findMany({ select: { id: true, revokedAt: true, rpm: true, responseCache: true }, orderBy: { id: "asc" } }),
    db.creditTransaction.count(),
    db.provider.findMany({ select: { id: true, baseUrl: true, enabled: true }, orderBy: { id: "asc" } }),
    db.credential.count(),
    db.model.count(),
    db.deployment.findMany({ select: { id: true, weight: true, priority: true, enabled: true }, orderBy: { id: "asc" } }),
    db.modelAlias.count(),
    db.price.count(),
    db.setting.findMany({ orderBy: { key: "asc" } }),
    db.auditLog.count(),
    db.team.count(),
    db.creditPackage.count(),
    db.totpFactor.findMany({ orderBy: { userId: "asc" } }),
    db.adminToken.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
    db.alertChannel.findMany({ select: { id: true, enabled: true }, orderBy: { id: "asc" } }),
    db.alertDelivery.count(),
    db.payment.findMany({ select: { id: true, status: true, refundedCents: true }, orderBy: { id: "asc" } }),
    db.autoRecharge.findMany({ orderBy: { accountId: "asc" } }),
    db.creditAccount.findMany({ select: { id: true, stripeCustomerId: true }, orderBy: { id: "asc" } }),
    db.redemptionCode.findMany({ select: { id: true, uses: true, disabledAt: true }, orderBy: { id: "asc" } }),
    db.customerGroup.findMany({ select: { id: true, name: true, marginBps: true, allowedModels: true }, orderBy: { id: "asc" } }),
    db.groupPrice.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ users, keys, ledger, providers, credentials, models, deployments, aliases, prices, settings, audit, teams, packages, totp, adminTokens, alertChannels, alertDeliveries, payments, autoRecharges, accounts, codes, groups, groupPrices }, (_key, value) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

async function callAction(action: (typeof actions)[number], fields: Record<string, string>, cookie?: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const body = await encodeReply([{}, form]);
  const res = await fetch(`${f.hub.url}${action.page}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Next-Action": action.id, Origin: f.hub.url, Accept: "text/x-component", ...(cookie ? { cookie } : {}) },
    body,
  });
  return { status: res.status, redirect: res.headers.get("x-action-redirect") ?? res.headers.get("location"), body: await res.text() };
}

/** Refused: sent to sign in, or answered 401/403/404 — never run (a 200 is the action's own answer). */
function expectRefused(res: Awaited<ReturnType<typeof callAction>>, what: string, hidden: string[]) {
  expect(res.status, `${what}: ${res.status} ${res.redirect ?? ""} ${res.body.slice(0, 200)}`).not.toBe(200);
  expect(leaked(res.body, hidden), `${what} answered with data`).toEqual([]);
}

it("every action in the build is classified (a new one must be added here)", () => {
  const known = [...ANONYMOUS_ACTIONS, ...Object.keys(MEMBER_ACTIONS), ...Object.keys(ADMIN_ACTIONS)];
  expect(actions.map((a) => `${a.file}#${a.name}`).filter((a) => !known.includes(a.split("#")[1]!))).toEqual([]);
  expect(actions.length).toBeGreaterThan(20);
});

describe.each(actions.filter((a) => a.name in ADMIN_ACTIONS))("admin action $name ($file)", (action) => {
  it("is refused to anonymous and to a member, and works for an admin", async () => {
    const fields = await ADMIN_ACTIONS[action.name]!(world, f);
    const before = await snapshot();
    expectRefused(await callAction(action, fields), `anonymous ${action.name}`, world.adminOnly);
    expect(await snapshot(), `anonymous ${action.name} changed the database`).toBe(before);
    expectRefused(await callAction(action, fields, world.attacker.cookie), `member ${action.name}`, world.hiddenFromAttacker);
    expect(await snapshot(), `member ${action.name} changed the database`).toBe(before);

    const auditBefore = await f.db.auditLog.count();
    const control = await callAction(action, fields, world.admin.cookie);
    expect(control.status, `admin ${action.name}: ${control.body.slice(0, 300)}`).toBe(200);
    if (READ_ONLY_ACTIONS.includes(action.name)) expect(control.body).toContain(SECRET_PROVIDER);
    else {
      expect(await snapshot(), `admin ${action.name} should have changed something: ${control.body.slice(0, 300)}`).not.toBe(before);
      // and the change is in the audit log as the web UI's, by the admin, from the client's address
      expect(await f.db.auditLog.count(), `admin ${action.name} left no audit entry`).toBeGreaterThan(auditBefore);
      const entry = await f.db.auditLog.findFirst({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      expect(entry, `admin ${action.name}'s audit entry`).toMatchObject({ source: "page", actorType: "user", actor: world.admin.email, ip: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
    }
  });
});

describe.each(actions.filter((a) => a.name in MEMBER_ACTIONS))("member action $name ($file)", (action) => {
  it(`is refused to anonymous${MEMBER_ACTIONS[action.name]!.memberRefused ? ", and to a member for someone else's things" : ""}`, async () => {
    const { fields: make, memberRefused } = MEMBER_ACTIONS[action.name]!;
    const fields = await make(world, f);
    const before = await snapshot();
    expectRefused(await callAction(action, fields), `anonymous ${action.name}`, world.adminOnly);
    expect(await snapshot(), `anonymous ${action.name} changed the database`).toBe(before);
    if (memberRefused) {
      const res = await callAction(action, fields, world.attacker.cookie);
      expect(leaked(res.body, world.hiddenFromAttacker)).toEqual([]);
      expect(await snapshot(), `member ${action.name} changed someone else's things`).toBe(before);
    }
  });
});
