import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp, type FakeSmtp } from "../fakes/smtp-server";
import { startWebhookReceiver, type VerifiedMessage, type WebhookReceiver } from "../fakes/webhook-receiver";
import { runCli } from "../helpers/cli";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Alerts end to end: events noticed by the hub process (billing, the gateway, Stripe's webhook) reach
// a local SMTP server and a local webhook receiver that verifies every signature; a receiver that is
// down is retried with backoff and the delivery ends `failed`; a replay after it recovers is delivered.

const BRAND = "Acme AI Hub";
const OPS_MAIL = "ops@test.local";
const CUSTOMER_MAIL = "dev-alerts@test.local";
const STRIPE_WEBHOOK_SECRET = "whsec_test_alerts_0123456789";
const MAX_ATTEMPTS = 6;

let f: HubFixture;
let smtp: FakeSmtp;
let hook: WebhookReceiver;
let flaky: WebhookReceiver;
let token: string;
const channels: Record<string, string> = {};

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${f.hub.url}/api/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const messages = (receiver: WebhookReceiver, type: string, match: (data: Record<string, unknown>) => boolean = () => true) =>
  receiver.received.filter((m) => m.body.type === type && match(m.body.data));

async function arrives(receiver: WebhookReceiver, type: string, match?: (data: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<VerifiedMessage> {
  const { value } = await eventually(async () => {
    const found = messages(receiver, type, match)[0];
    if (!found) throw new Error(`no verified ${type} webhook`);
    return found;
  }, timeoutMs, 50);
  return value;
}

const deliveries = (where: Record<string, unknown>) => f.db.alertDelivery.findMany({ where, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  [smtp, hook, flaky] = await Promise.all([startFakeSmtp(), startWebhookReceiver(), startWebhookReceiver()]);
  f = await startHubFixture({
    env: {
      HUB_SMTP_URL: smtp.url,
      HUB_ALERT_RETRY_BASE_MS: "50",
      HUB_CREDENTIAL_RECHECK_MS: "400",
      STRIPE_SECRET_KEY: "sk_test_alerts_unused",
      STRIPE_WEBHOOK_SECRET,
    },
  });
  await f.lib.setSetting("brand-name", BRAND, "test");
  const { createAdminToken } = await import("@/lib/admin/tokens");
  token = (await createAdminToken({ name: "alerts", scope: "full" }, "test")).secret;

  const webhook = await api("POST", "/alert-channels", { name: "ops hook", kind: "webhook", target: hook.url });
  expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
  expect(webhook.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  hook.secret = webhook.body.secret;
  channels.hook = webhook.body.channel.id;
  const mail = await api("POST", "/alert-channels", { name: "ops mail", kind: "email", target: OPS_MAIL, events: ["balance.low", "credential.suspended", "topup.paid"] });
  expect([mail.status, mail.body.secret]).toEqual([201, null]);
  channels.mail = mail.body.channel.id;
  // subscribed to nothing the hub emits in these tests: it only gets test alerts and replays
  const down = await api("POST", "/alert-channels", { name: "flaky hook", kind: "webhook", target: flaky.url, events: ["topup.failed"] });
  flaky.secret = down.body.secret;
  channels.flaky = down.body.channel.id;
}, 120_000);

afterAll(async () => {
  await f?.close();
  await Promise.all([smtp?.close(), hook?.close(), flaky?.close()]);
});

describe("alert channels", () => {
  it("never answer or store a webhook's secret in the clear, and are audited without it", async () => {
    const listed = await api("GET", "/alert-channels");
    expect(listed.body.data.map((c: { name: string }) => c.name).sort()).toEqual(["flaky hook", "ops hook", "ops mail"]);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
    const row = await f.db.alertChannel.findUniqueOrThrow({ where: { id: channels.hook } });
    expect(JSON.stringify(row)).not.toContain(hook.secret!.slice(6));
    const audited = await f.db.auditLog.findMany({ where: { action: { startsWith: "alert_channel." } } });
    expect(audited.map((a) => a.action)).toEqual(["alert_channel.create", "alert_channel.create", "alert_channel.create"]);
    expect(JSON.stringify(audited)).not.toContain(hook.secret!.slice(6));
  });

  it("refuse what is not an address or an http(s) URL", async () => {
    const bad = await api("POST", "/alert-channels", { name: "bad", kind: "webhook", target: "file:///etc/passwd" });
    expect([bad.status, bad.body.error.param]).toEqual([400, "target"]);
    const badMail = await api("POST", "/alert-channels", { name: "bad", kind: "email", target: "not-an-address" });
    expect(badMail.status).toBe(400);
    expect(await f.db.alertChannel.count({ where: { name: "bad" } })).toBe(0);
  });
});

describe("a test alert", () => {
  it("reaches the webhook signed with the channel's secret, and the receiver refuses a forged or stale one", async () => {
    const sent = await api("POST", `/alert-channels/${channels.hook}/test`);
    expect(sent.status).toBe(201);
    const message = await arrives(hook, "test");
    expect(message.body).toMatchObject({ type: "test", data: { channel: "ops hook" } });
    expect(message.webhookId).toBe(message.body.id);
    await eventually(async () => expect((await f.db.alertDelivery.findUniqueOrThrow({ where: { id: sent.body.id } })).status).toBe("delivered"));

    // the same body signed with another secret, or signed properly ten minutes ago, is refused
    const { signedHeaders, newWebhookSecret } = await import("@/lib/alerts/signature");
    const body = JSON.stringify(message.body);
    const post = (headers: Record<string, string>) => fetch(hook.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    expect((await post(signedHeaders(newWebhookSecret(), message.webhookId, body))).status).toBe(401);
    expect((await post(signedHeaders(hook.secret!, message.webhookId, body, Date.now() - 600_000))).status).toBe(401);
    expect((await post(signedHeaders(hook.secret!, message.webhookId, body))).status).toBe(200);
    expect(hook.refused).toBe(2);
  });

  it("reaches an e-mail channel under the hub's brand", async () => {
    await api("POST", `/alert-channels/${channels.mail}/test`);
    const mail = await smtp.waitFor(OPS_MAIL, { match: /Test alert/ });
    expect(mail.raw).toContain(`Subject: [${BRAND}] Test alert for channel ops mail`);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
  });
});

describe("a receiver that is down", () => {
  it("is retried with backoff until the last attempt, then the delivery is failed; a replay after it recovers is delivered", async () => {
    flaky.status = 500;
    const sent = await api("POST", `/alert-channels/${channels.flaky}/test`);
    const { value: failed } = await eventually(async () => {
      const row = await f.db.alertDelivery.findUniqueOrThrow({ where: { id: sent.body.id } });
      expect(row.status).toBe("failed");
      return row;
    }, 20_000, 100);
    expect(failed).toMatchObject({ attempts: MAX_ATTEMPTS, responseStatus: 500, deliveredAt: null });
    expect(failed.lastError).toBe(`${new URL(flaky.url).host} answered HTTP 500`);
    const tries = flaky.received.filter((m) => m.body.id === sent.body.message.id);
    expect(tries).toHaveLength(MAX_ATTEMPTS);
    // backoff: each wait at least as long as the one before (50 ms, doubling; timestamps are in seconds)
    expect(tries.map((t) => t.timestamp)).toEqual([...tries.map((t) => t.timestamp)].sort());
    expect((await api("GET", `/alert-deliveries?status=failed&channelId=${channels.flaky}`)).body.data.map((d: { id: string }) => d.id)).toEqual([sent.body.id]);

    flaky.status = 200;
    const replay = await api("POST", `/alert-deliveries/${sent.body.id}/replay`);
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({ replayOf: sent.body.id, status: "pending", message: { id: sent.body.message.id } });
    await eventually(async () => expect((await f.db.alertDelivery.findUniqueOrThrow({ where: { id: replay.body.id } })).status).toBe("delivered"), 5000);
    expect(flaky.received.filter((m) => m.body.id === sent.body.message.id)).toHaveLength(MAX_ATTEMPTS + 1);
    expect(await f.db.auditLog.count({ where: { action: "alert_delivery.replay", target: replay.body.id } })).toBe(1);
  });
});

describe("a suspended credential", () => {
  it("alerts once when the provider refuses it (and its provider is down), and again when it works", async () => {
    const revoked = "sk-revoked-alerts-0001";
    await f.lib.addProvider({ type: "openai", name: "doomed", baseUrl: f.upstream.url, apiKey: revoked }, "test");
    await f.lib.addModel({ name: "doomed-model", provider: "doomed", upstreamModel: "gpt-4o-mini", type: "chat" }, "test");
    await expect(f.client.chat.completions.create({ model: "doomed-model", messages: [{ role: "user", content: "hi" }] })).rejects.toThrow();
    const suspended = await arrives(hook, "credential.suspended", (d) => d.provider === "doomed");
    expect(suspended.body.data).toMatchObject({ credential: "default", reason: expect.stringMatching(/401/) });
    expect(JSON.stringify(suspended.body)).not.toContain(revoked);
    expect((await arrives(hook, "provider.down", (d) => d.provider === "doomed")).body.data).toEqual({ provider: "doomed", credentials: 1 });
    expect((await smtp.waitFor(OPS_MAIL, { match: /Credential suspended: doomed\/default/ })).raw).toContain(`[${BRAND}]`);

    f.upstream.allowKey(revoked);
    await arrives(hook, "credential.recovered", (d) => d.provider === "doomed");
    expect(messages(hook, "credential.suspended", (d) => d.provider === "doomed")).toHaveLength(1);
  });
});

describe("Enterprise budgets", () => {
  it("alert at 80 % when spending crosses it and at 100 % when the budget refuses a call, once each", async () => {
    // the upstream reports a long answer whatever the cap: each call costs exactly what it was held for
    await f.lib.addModel({ name: "budget-model", provider: "fake", upstreamModel: "gpt-fake-long-uncapped", type: "chat", inputUsdPer1M: "0.15", outputUsdPer1M: "0.6" }, "test");
    const OpenAI = (await import("openai")).default;
    const { formatUsd } = await import("@/lib/money");
    const keyWithBudget = async (name: string, usd: string) => {
      const { key, secret } = await f.lib.createApiKey({ userEmail: MEMBER, name }, "test");
      await f.lib.setMonthlyBudget({ keyId: key.id }, usd, "test");
      return { key, client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }) };
    };
    const ask = (client: InstanceType<typeof OpenAI>) => client.chat.completions.create({ model: "budget-model", max_tokens: 100, messages: [{ role: "user", content: "spend" }] }).withResponse();
    // what one call counts against a budget, from a key with room to spare
    const roomy = await keyWithBudget("roomy", "100");
    await f.usageEvent((await ask(roomy.client)).response.headers.get("x-request-id")!);
    const perCall = (await f.db.budgetCounter.findFirstOrThrow({ where: { scope: "key", scopeId: roomy.key.id } })).spentNanoUsd;
    expect(perCall).toBeGreaterThan(0n);

    // one call's cost is 83 % of the budget; the second call no longer fits
    const { key, client: budgeted } = await keyWithBudget("budgeted", formatUsd((perCall * 6n) / 5n));
    const first = await ask(budgeted);
    await f.usageEvent(first.response.headers.get("x-request-id")!);
    const eighty = await arrives(hook, "budget.threshold", (d) => d.scopeId === key.id && d.percent === 80);
    expect(eighty.body.data).toMatchObject({ scope: "key", label: "budgeted", spentUsd: formatUsd(perCall), limitUsd: formatUsd((perCall * 6n) / 5n) });

    for (let i = 0; i < 3; i++) await expect(ask(budgeted)).rejects.toMatchObject({ status: 429 });
    await arrives(hook, "budget.threshold", (d) => d.scopeId === key.id && d.percent === 100);
    await new Promise((r) => setTimeout(r, 500));
    expect(messages(hook, "budget.threshold", (d) => d.scopeId === key.id).map((m) => m.body.data.percent)).toEqual([80, 100]);
    expect(await f.db.alertDelivery.count({ where: { event: "budget.threshold", channelId: channels.hook } })).toBe(2);
  });
});

describe("low balance", () => {
  it("alerts the operator's channels and the customer's own address once per crossing", async () => {
    await f.lib.setMode("service_provider", "test");
    await f.lib.grantCredits({ userEmail: MEMBER, amount: "10000" }, "test");
    // the operator's threshold and the customer's own, both just under the balance: the next call crosses them
    await f.lib.setSetting("alert-low-balance-credits", "10000", "test");
    const { setMyLowBalanceAlert, myLowBalanceAlert } = await import("@/lib/admin/alert-preferences");
    const member = await f.db.user.findUniqueOrThrow({ where: { email: MEMBER } });
    const caller = { id: member.id, email: member.email, role: "member" as const };
    await expect(setMyLowBalanceAlert(caller, { thresholdCredits: "-1", email: null })).rejects.toThrow(/number of credits/);
    await setMyLowBalanceAlert(caller, { thresholdCredits: "9999.5", email: CUSTOMER_MAIL });
    expect(await myLowBalanceAlert(caller)).toEqual({ thresholdCredits: "9999.5", email: CUSTOMER_MAIL, signInEmail: MEMBER });

    for (let i = 0; i < 3; i++) {
      const { response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "spend a little" }] }).withResponse();
      await f.usageEvent(response.headers.get("x-request-id")!);
    }
    const operator = await arrives(hook, "balance.low", (d) => d.owner === MEMBER);
    expect(operator.body.data).toMatchObject({ thresholdCredits: "10000", balanceCredits: expect.stringMatching(/^99\d\d\.\d+$/) });
    const opsMail = await smtp.waitFor(OPS_MAIL, { match: /Low balance/ });
    expect(opsMail.raw).toContain(`Subject: [${BRAND}] Low balance: ${MEMBER} has`);
    const customerMail = await smtp.waitFor(CUSTOMER_MAIL, { match: /Low balance/ });
    expect(customerMail.raw).toContain("(alert below 9999.5)");
    expect(customerMail.raw).toContain(BRAND);

    await new Promise((r) => setTimeout(r, 500));
    // three calls, one crossing each: one alert per destination
    expect(messages(hook, "balance.low", (d) => d.owner === MEMBER)).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes(CUSTOMER_MAIL))).toHaveLength(1);
    expect((await deliveries({ event: "balance.low" })).map((d) => [d.channelId ?? "customer", d.status]).sort()).toEqual(
      [[channels.hook, "delivered"], [channels.mail, "delivered"], ["customer", "delivered"]].sort(),
    );
  });
});

describe("Stripe top-ups", () => {
  const signer = new Stripe("sk_test_unused");
  async function stripeEvent(type: string, sessionId: string) {
    const payload = JSON.stringify({ id: `evt_${sessionId}`, object: "event", type, data: { object: { id: sessionId, object: "checkout.session", payment_status: type.endsWith("completed") ? "paid" : "unpaid" } } });
    const response = await fetch(`${f.hub.url}/api/stripe/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET }) },
      body: payload,
    });
    expect(response.status).toBe(200);
  }
  async function pendingPayment(sessionId: string) {
    const account = await f.db.creditAccount.findFirstOrThrow({ where: { user: { email: MEMBER } } });
    const user = await f.db.user.findUniqueOrThrow({ where: { email: MEMBER } });
    await f.db.payment.create({ data: { stripeSessionId: sessionId, accountId: account.id, userId: user.id, amountCents: 1000, currency: "usd", creditsMicrocredits: 5_000_000_000n } });
  }

  it("alert when a top-up is paid (once, however often Stripe says so) and when one fails", async () => {
    await pendingPayment("cs_test_alert_paid");
    await stripeEvent("checkout.session.completed", "cs_test_alert_paid");
    await stripeEvent("checkout.session.completed", "cs_test_alert_paid");
    const paid = await arrives(hook, "topup.paid");
    expect(paid.body.data).toMatchObject({ customer: MEMBER, amount: "10", currency: "usd", credits: "5000" });
    expect((await smtp.waitFor(OPS_MAIL, { match: /Top-up paid/ })).raw).toContain("Top-up paid: 10 USD for 5000 credits by dev@test.local");

    await pendingPayment("cs_test_alert_failed");
    await stripeEvent("checkout.session.async_payment_failed", "cs_test_alert_failed");
    expect((await arrives(flaky, "topup.failed")).body.data).toMatchObject({ customer: MEMBER });
    expect((await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: "cs_test_alert_failed" } })).status).toBe("failed");
    await new Promise((r) => setTimeout(r, 300));
    expect(messages(hook, "topup.paid")).toHaveLength(1);
  });
});

describe("spend spikes", () => {
  it("alert on a user whose day is well above their trailing mean, once per day", async () => {
    // this process dispatches what it emits (the hub's own runner is another process)
    const [{ jobs }, { alertJobs }, { checkSpendSpikes }] = await Promise.all([import("@/lib/jobs"), import("@/lib/alerts/jobs"), import("@/lib/billing/spend-spikes")]);
    jobs.register(alertJobs());
    const member = await f.db.user.findUniqueOrThrow({ where: { email: MEMBER } });
    // a month ago, where the hub's rollup job never rebuilds: a dollar a day for a week, then $25
    const DAY = 86_400_000;
    const day = Math.floor((Date.now() - 30 * DAY) / DAY) * DAY;
    const row = (offset: number, usd: bigint) => ({ period: "day", bucketStart: new Date(day - offset * DAY), userId: member.id, model: "gpt-4o-mini", costNanoUsd: usd * 1_000_000_000n });
    await f.db.usageRollup.createMany({ data: [row(0, 25n), ...[1, 2, 3, 4, 5, 6, 7].map((n) => row(n, 1n))] });
    const at = new Date(day + 12 * 3_600_000);

    expect(await checkSpendSpikes(at)).toEqual([{ userId: member.id, todayNanoUsd: 25_000_000_000n, meanNanoUsd: 1_000_000_000n }]);
    const spike = await arrives(hook, "spend.spike");
    expect(spike.body.data).toMatchObject({ customer: MEMBER, spentUsd: "25", meanUsd: "1", factor: 3 });
    await checkSpendSpikes(at);
    await jobs.idle();
    expect(await f.db.alertDelivery.count({ where: { event: "spend.spike" } })).toBe(1);

    // under the floor ($10) a day is no spike, however quiet the week before
    await f.db.usageRollup.updateMany({ where: { userId: member.id, bucketStart: new Date(day) }, data: { costNanoUsd: 9_000_000_000n } });
    expect(await checkSpendSpikes(at)).toEqual([]);
  });
});

describe("the CLI", () => {
  it("adds, lists and tests a channel, lists deliveries and replays one", async () => {
    const added = await runCli(["alert-channel", "add", "--name", "cli hook", "--webhook", hook.url, "--events", "topup.paid", "--json"], f.env);
    expect(added.code, added.stderr).toBe(0);
    const { secret, channel } = JSON.parse(added.stdout) as { secret: string; channel: { id: string } };
    expect(secret).toMatch(/^whsec_/);
    const listed = await runCli(["alert-channel", "list"], f.env);
    expect(listed.stdout).toContain("cli hook");
    // the CLI's hook verifies against its own secret: the receiver knows only the first channel's, so it refuses
    const tested = await runCli(["alert", "test", channel.id], f.env);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/not yet delivered \(127\.0\.0\.1:\d+ answered HTTP 401\); the hub retries it/);

    const failed = await runCli(["alert", "deliveries", "--status", "failed", "--json"], f.env);
    const { deliveries: rows } = JSON.parse(failed.stdout) as { deliveries: Array<{ id: string; channelId: string }> };
    const original = rows.find((d) => d.channelId === channels.flaky)!;
    expect(original).toBeDefined();
    const replayed = await runCli(["alert", "replay", original.id], f.env);
    expect(replayed.stdout).toMatch(/delivered/);
    expect((await runCli(["alert-channel", "remove", channel.id], f.env)).code).toBe(0);
    expect(await f.db.alertChannel.count({ where: { id: channel.id } })).toBe(0);
  });
});
