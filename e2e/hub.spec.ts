import { expect, test, type Browser, type Page } from "@playwright/test";
import Stripe from "stripe";
import { startFakeOidc, type FakeOidc } from "../test/fakes/oidc-provider";
import { startFakeOpenAI, type FakeOpenAI } from "../test/fakes/openai-upstream";
import { startFakeSmtp, type FakeSmtp } from "../test/fakes/smtp-server";
import { startFakeStripe, type FakeStripe } from "../test/fakes/stripe-api";
import { startWebhookReceiver, type WebhookReceiver } from "../test/fakes/webhook-receiver";
import type { Locale } from "../lib/ui/locale";
import { formats } from "../lib/ui/format";
import { E2E } from "./env";
import { MISSING_MESSAGE, pattern, translator, type T } from "./messages";

const EN = translator("en");

// The hub in a real browser, against the production build, a fake OpenAI upstream and a fake Stripe:
// an admin sets the hub up and chats in the playground; a member is kept out of the admin pages; a
// customer signs up, gets starter credits and tops up through Stripe Checkout. Then every page is
// photographed, light and dark, on a desktop and a phone.

test.describe.configure({ mode: "serial" });

let upstream: FakeOpenAI;
let stripe: FakeStripe;
let oidc: FakeOidc;
let smtp: FakeSmtp;
let receiver: WebhookReceiver;
let admin: Page;

test.beforeAll(async ({ browser }) => {
  upstream = await startFakeOpenAI({ apiKey: E2E.upstreamKey, port: E2E.upstreamPort });
  stripe = await startFakeStripe({ port: E2E.stripePort, secretKey: E2E.stripeSecretKey });
  oidc = await startFakeOidc({ port: E2E.oidcPort, clientId: E2E.oidcClient.id, clientSecret: E2E.oidcClient.secret });
  smtp = await startFakeSmtp({ port: E2E.smtpPort });
  receiver = await startWebhookReceiver();
  admin = await signedIn(browser, E2E.admin.email, E2E.admin.password);
});

test.afterAll(async () => {
  await upstream?.close();
  await stripe?.close();
  await oidc?.close();
  await smtp?.close();
  await receiver?.close();
});

async function signIn(page: Page, email: string, password: string, t = EN) {
  await page.goto("/sign-in");
  await page.getByLabel(t("auth.signIn.email")).fill(email);
  await page.getByLabel(t("auth.signIn.password")).fill(password);
  await page.getByRole("button", { name: t("auth.signIn.submit") }).click();
}

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return page;
}

/** Opens a page's dialog by its button and returns the dialog. */
async function dialog(page: Page, trigger: string) {
  await page.getByRole("button", { name: trigger, exact: true }).first().click();
  const box = page.getByRole("dialog");
  await expect(box).toBeVisible();
  return box;
}

test("the landing page says what the hub is and how to call it", async ({ page, baseURL }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("AIGNE Hub");
  await expect(page.getByTestId("fact-endpoint")).toHaveText(`${baseURL}/v1`);
  await expect(page.getByText(`curl ${baseURL}/v1/chat/completions`)).toBeVisible();
  // a hub without models tells its operator how to publish one
  await expect(page.getByTestId("operator-quickstart")).toContainText("npm run hub -- provider add");
});

test("sign-in refuses a wrong password with a message, and an empty form next to its fields", async ({ page }) => {
  await signIn(page, E2E.admin.email, "not-the-password");
  await expect(page.locator('form [role="alert"]')).toHaveText(/Wrong email or password/);
  await page.getByLabel("Email").fill("");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#field-email-error")).toHaveText("Enter your email");
});

test("an admin connects a provider, prices a model, and hands out a key", async () => {
  const page = admin;
  await page.goto("/admin/providers");
  await expect(page.getByText("No providers yet")).toBeVisible();
  let box = await dialog(page, "Add provider");
  await box.getByLabel("Type").selectOption("openai");
  await box.getByLabel("Name").fill("fake-openai");
  await box.getByLabel(/Base URL/).fill(`http://127.0.0.1:${E2E.upstreamPort}/v1`);
  await box.getByLabel("API key").fill(E2E.upstreamKey);
  await box.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByText("Added fake-openai with key")).toBeVisible();
  const card = page.getByTestId("provider-fake-openai");
  await expect(card).toContainText("healthy");
  // the key is never shown back, only its masked hint
  await expect(card).not.toContainText(E2E.upstreamKey);
  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(/fake-openai: default ok in \d+ ms/)).toBeVisible();

  await page.goto("/admin/models");
  box = await dialog(page, "Add model");
  await box.getByLabel("Public name").fill("gpt-e2e");
  await box.getByLabel("Upstream model").fill("gpt-4o-mini-fake-gated");
  await box.getByLabel("Input, USD / 1M", { exact: true }).fill("abc");
  await box.getByRole("button", { name: "Add model" }).click();
  // a bad field is named next to it, and nothing is saved
  await expect(box.getByText("Input price must be a decimal number like 0.15")).toBeVisible();
  await box.getByLabel("Input, USD / 1M", { exact: true }).fill("1.00");
  await box.getByLabel("Output, USD / 1M").fill("2.00");
  await box.getByLabel("Margin %").fill("25");
  await box.getByRole("button", { name: "Add model" }).click();
  await expect(page.getByText("Added gpt-e2e")).toBeVisible();
  const row = page.getByTestId("model-gpt-e2e");
  await expect(row.getByTestId("model-cost")).toHaveText("$1 / $2");
  // sell price: cost × 1.25 at 1 credit = $0.000001
  await expect(row.getByTestId("model-sell")).toHaveText("1,250,000 / 2,500,000");

  await page.goto("/admin/users");
  box = await dialog(page, "Add user");
  await box.getByLabel("Email").fill("member@e2e.local");
  await box.getByLabel("Password (optional)").fill("member-password-1");
  await box.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("user-member@e2e.local")).toContainText("member");

  await page.goto("/admin/keys");
  box = await dialog(page, "Create key");
  await box.getByLabel("Owner").selectOption("member@e2e.local");
  await box.getByLabel("Name").fill("member-app");
  await box.getByRole("button", { name: "Create key" }).click();
  const secret = (await box.getByTestId("secret").textContent())!;
  expect(secret).toMatch(/^sk-hub-/);
  // the key works against the API at once
  const models = await page.request.get("/v1/models", { headers: { authorization: `Bearer ${secret}` } });
  expect(models.status()).toBe(200);
  expect((await models.json()).data.map((m: { id: string }) => m.id)).toContain("gpt-e2e");
  await page.keyboard.press("Escape");
  await page.reload();
  await expect(page.getByTestId("key-member-app")).toContainText("member@e2e.local");
});

test("an admin creates an admin token, reads the API reference, onboards a customer through the API, and the audit log shows who did it", async () => {
  const page = admin;
  await page.goto("/admin/api");
  const box = await dialog(page, "Create admin token");
  await box.getByLabel("Name").fill("e2e-ops");
  await box.getByLabel("Scope").selectOption("full");
  await box.getByRole("button", { name: "Create token" }).click();
  const token = (await box.getByTestId("secret").textContent())!;
  expect(token).toMatch(/^sk-admin-[0-9A-Za-z]{43}$/);
  await page.keyboard.press("Escape");
  await page.reload();
  await expect(page.getByTestId("admin-token-e2e-ops")).toContainText("full");

  // the reference: every route, its scope and fields, from the served document
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  const createKey = page.getByTestId("operation-POST /api/admin/v1/keys");
  await expect(createKey).toContainText("scope users_keys");
  await expect(createKey).toContainText("Idempotency-Key");
  await expect(createKey).toContainText("userEmail");
  // a program calls the API on its own connections, as the README's curl lines do
  const hub = `http://127.0.0.1:${E2E.port}`;
  const document = await fetch(`${hub}/api/admin/v1/openapi.json`);
  expect((await document.json()).paths["/api/admin/v1/keys"].post.summary).toBe(await createKey.locator("p").first().textContent());

  // the README's onboarding, with the new token
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub}/api/admin/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  expect((await post("/users", { email: "api-customer@e2e.local" }, { "idempotency-key": "e2e-onboard-1" })).status).toBe(201);
  expect((await post("/credits/grants", { userEmail: "api-customer@e2e.local", amount: "100" })).status).toBe(201);
  const { secret } = await (await post("/keys", { userEmail: "api-customer@e2e.local", name: "from-the-api" })).json();
  expect((await fetch(`${hub}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);

  await page.goto("/admin/audit?source=api");
  const entries = page.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "user.create" })).toHaveCount(1);
  await expect(entries.filter({ hasText: "key.create" }).first()).toContainText("admin_token");
  await expect(entries.first()).toContainText("127.0.0.1");
});

test("an admin adds a signed webhook, sees a refused alert retried and marked failed, and replays it once the receiver is back", async () => {
  const page = admin;
  await page.goto("/admin/alerts");
  const box = await dialog(page, "Add channel");
  await box.getByLabel("Name").fill("ops-hook");
  await box.getByLabel("Kind").selectOption("webhook");
  await box.getByLabel("Webhook URL or e-mail address").fill(receiver.url);
  await box.getByRole("button", { name: "Add channel" }).click();
  receiver.secret = (await box.getByTestId("secret").textContent())!;
  expect(receiver.secret).toMatch(/^whsec_/);
  await page.keyboard.press("Escape");
  await page.reload();

  // the receiver is down: the test alert is tried six times, then marked failed
  receiver.status = 500;
  await page.getByTestId("channel-ops-hook").getByRole("button", { name: "Send test" }).click();
  await expect(page.getByText("Test alert sent")).toBeVisible();
  await expect(async () => {
    await page.goto("/admin/alerts?status=failed");
    await expect(page.getByTestId("delivery").first()).toContainText("6 attempts", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("delivery").first()).toContainText("HTTP 500");
  expect(receiver.received).toHaveLength(6);
  const original = receiver.received[0]!;
  expect(original.body).toMatchObject({ type: "test", data: { channel: "ops-hook" } });

  // back up: a replay delivers the same message, signed, once
  receiver.status = 200;
  await page.getByTestId("delivery").first().getByRole("button", { name: "Replay" }).click();
  await expect(page.getByText("Sent again")).toBeVisible();
  await expect(async () => {
    await page.goto("/admin/alerts?status=delivered");
    await expect(page.getByTestId("delivery").first()).toContainText("replay", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  expect(receiver.received).toHaveLength(7);
  expect(receiver.received[6]!.webhookId).toBe(original.webhookId);
  expect(receiver.refused).toBe(0);
});

test("the playground streams an answer, with its tokens and cost, and the call shows in the usage explorer", async () => {
  const page = admin;
  await page.goto("/admin/playground");
  await page.getByLabel("Message").fill("Hello hub");
  await page.getByRole("button", { name: "Send" }).click();
  const answer = page.getByTestId("assistant-message");
  // the upstream sent its first word and waits: the browser already shows it
  await expect(answer).toHaveText("Hello");
  upstream.release();
  await expect(answer).toHaveText("Hello from the fake upstream! You said: Hello hub");
  await expect(page.getByTestId("answer-usage")).toContainText(/\d+ in · \d+ out · cost \$0\.0000\d+/);

  // the session cookie alone is not enough: a request from another site is refused (CSRF)
  const forged = await page.request.post("/api/playground/chat", {
    headers: { origin: "https://evil.example" },
    data: { model: "gpt-e2e", messages: [{ role: "user", content: "spend their money" }] },
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("cross_origin");

  await page.goto("/admin/usage");
  // the charts above the calls: calls and cost by model, error rate, latency, cache hits — the call in each
  const charts = page.getByTestId("usage-charts");
  await expect(charts.getByRole("img", { name: / chart$/ })).toHaveCount(5);
  await expect(charts.getByTestId("cache-rate-chart").getByRole("img", { name: / chart$/ })).toBeVisible();
  await expect(charts.getByTestId("latency-chart").getByRole("img", { name: / chart$/ })).toBeVisible();
  const row = page.getByTestId("call-row").first();
  await expect(row).toContainText("gpt-e2e");
  await expect(row).toContainText("fake-openai");
  await expect(row.getByTestId("call-cost")).toHaveText(/^\$0\.0000\d+$/);
  await row.click();
  await expect(page.getByTestId("call-detail")).toContainText("gpt-4o-mini-fake-gated");
  await page.keyboard.press("Escape");
  // server-side filtering: no failed calls
  // the CSV export has the call, with its cost
  const csv = await page.request.get(await page.getByRole("link", { name: "CSV" }).getAttribute("href") ?? "");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const [header, first] = (await csv.text()).trim().split("\n");
  expect(header).toContain("requestedModel");
  expect(first).toContain("gpt-e2e");
  await page.getByLabel("statuses").selectOption("error");
  await expect(page.getByText("No calls match these filters.")).toBeVisible();
});

test("a member cannot open the admin pages: the server answers 403", async ({ browser }) => {
  const member = await signedIn(browser, "member@e2e.local", "member-password-1");
  await expect(member).toHaveURL(/\/dashboard$/);
  for (const path of ["/admin", "/admin/users", "/admin/settings"]) {
    const response = await member.goto(path);
    expect(response?.status()).toBe(403);
    await expect(member.getByRole("heading", { name: "Administrators only" })).toBeVisible();
  }
  // nor the admin's own web routes with its session, nor the admin API (admin tokens only)
  expect((await member.request.get("/admin/usage/export")).status()).toBe(403);
  expect((await member.request.get("/api/admin/v1/analytics/calls")).status()).toBe(401);
  await member.context().close();
});

test("a customer signs up, confirms the address, sees starter credits, tops up with Stripe and sees the new balance", async ({ browser }) => {
  const page = admin;
  await page.goto("/admin/settings");
  await page.getByLabel("Mode", { exact: true }).selectOption("service_provider");
  await page.getByLabel("Starter credits for new customers").fill("500");
  await page.getByLabel(/Anyone may sign up/).check();
  await page.getByLabel("Hub name").fill("Acme AI");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText(/Saved 4 settings/)).toBeVisible();
  await expect(page.getByTestId("brand-name")).toHaveText("Acme AI");
  await page.goto("/admin/credits");
  const box = await dialog(page, "Add package");
  await box.getByLabel("Name").fill("Starter pack");
  await box.getByLabel("Price").fill("10");
  await box.getByLabel("Credits").fill("10000");
  await box.getByRole("button", { name: "Add package" }).click();
  await expect(page.getByText("Added package Starter pack")).toBeVisible();

  const customer = await (await browser.newContext()).newPage();
  await customer.goto("/sign-up");
  await expect(customer.getByText("You start with 500 free credits once you confirm your address.")).toBeVisible();
  await customer.getByLabel("Email").fill("customer@e2e.local");
  await customer.getByLabel("Password").fill("short");
  await customer.getByRole("button", { name: "Create account" }).click();
  await expect(customer.locator("#field-password-error")).toHaveText("At least 8 characters");
  await customer.getByLabel("Password").fill("customer-password-1");
  await customer.getByRole("button", { name: "Create account" }).click();
  await expect(customer.getByTestId("sign-up-sent")).toHaveText(/Check your inbox/);
  // the link in the mail confirms the address; then the password chosen at sign-up works
  const mail = await smtp.waitFor("customer@e2e.local", { match: /verify-email\?token=/ });
  await customer.goto(/(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(mail.raw)![1]!);
  await expect(customer.getByRole("heading", { name: "Address confirmed" })).toBeVisible();
  await signIn(customer, "customer@e2e.local", "customer-password-1");
  await expect(customer.getByTestId("balance")).toHaveText("500");

  // Stripe's hosted page is not reachable here: stand in for it
  await customer.route("https://checkout.stripe.test/**", (route) => route.fulfill({ contentType: "text/html", body: "<h1>Stripe Checkout (fake)</h1>" }));
  await customer.goto("/billing");
  await customer.getByRole("button", { name: "Buy Starter pack" }).click();
  await expect(customer.getByRole("heading", { name: "Stripe Checkout (fake)" })).toBeVisible();
  const sessionId = customer.url().split("/").pop()!;
  const session = stripe.sessions.get(sessionId)!;
  expect(session).toMatchObject({ amount_total: 1000, currency: "usd" });

  // the customer pays; Stripe sends the signed webhook (twice: a replay must not credit again)
  const payload = JSON.stringify(stripe.pay(sessionId));
  for (let i = 0; i < 2; i++) {
    const signature = new Stripe(E2E.stripeSecretKey).webhooks.generateTestHeaderString({ payload, secret: E2E.stripeWebhookSecret });
    const delivered = await customer.request.post("/api/stripe/webhook", { data: payload, headers: { "content-type": "application/json", "stripe-signature": signature } });
    expect(delivered.status()).toBe(200);
  }
  await customer.goto(String(session.success_url));
  await expect(customer.getByTestId("checkout-success")).toBeVisible();
  await expect(customer.getByTestId("billing-balance")).toHaveText("10,500");
  await customer.goto("/dashboard");
  await expect(customer.getByTestId("balance")).toHaveText("10,500");
  // and asks to be told before the credits run out
  const alert = customer.getByTestId("low-balance-alert");
  await alert.getByLabel("E-mail me below (credits)").fill("1000");
  await alert.getByRole("button", { name: "Save alert" }).click();
  await expect(customer.getByText("We will e-mail customer@e2e.local when your balance falls below 1000 credits")).toBeVisible();
  await customer.reload();
  await expect(customer.getByTestId("low-balance-alert").getByLabel("E-mail me below (credits)")).toHaveValue("1000");
  await customer.context().close();
});

/** What Stripe would POST to the webhook, signed; delivered from Node (not the page) like Stripe does. */
async function deliverToHub(baseURL: string, event: unknown) {
  const payload = JSON.stringify(event);
  const signature = new Stripe(E2E.stripeSecretKey).webhooks.generateTestHeaderString({ payload, secret: E2E.stripeWebhookSecret });
  const res = await fetch(`${baseURL}/api/stripe/webhook`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload });
  expect(res.status).toBe(200);
}

interface Walk {
  t: T;
  locale: Locale;
  admin: Page;
  customer: Page;
  /** the customer's balance when the walk starts: auto-recharge triggers below it */
  threshold: string;
  /** what the statement shows as the month's top-ups once the recharge is paid */
  topUps: string;
}

/** Saves a card, is recharged when a call crosses the threshold, redeems a code the admin mints and reads the month's statement. */
async function rechargeRedeemStatement({ t, locale, admin, customer, threshold, topUps }: Walk, baseURL: string) {
  // the admin mints a code to hand out
  await admin.goto("/admin/credits/codes");
  const box = await dialog(admin, t("adminBilling.codes.mint.trigger"));
  await box.getByLabel(t("adminBilling.codes.mint.amount")).fill("250");
  await box.getByLabel(t("adminBilling.codes.mint.creditExpiryDays")).fill("30");
  await box.getByRole("button", { name: t("adminBilling.codes.mint.submit"), exact: true }).click();
  const code = (await box.getByTestId("secret").textContent())!.trim();
  expect(code).toMatch(/^HUB-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await admin.keyboard.press("Escape");

  await customer.route("https://checkout.stripe.test/**", (route) => route.fulfill({ contentType: "text/html", body: "<h1>Stripe Checkout (fake)</h1>" }));
  await customer.goto("/billing");
  const auto = customer.getByTestId("auto-recharge");
  await expect(auto.getByTestId("saved-card")).toHaveText(t("billing.autoRechargeForm.noCard"));
  // saving a card: Checkout in setup mode, where nothing is charged
  await auto.getByRole("button", { name: t("billing.autoRechargeForm.saveCard") }).click();
  await expect(customer.getByRole("heading", { name: "Stripe Checkout (fake)" })).toBeVisible();
  const setupSession = customer.url().split("/").pop()!;
  expect(stripe.sessions.get(setupSession)).toMatchObject({ mode: "setup" });
  await deliverToHub(baseURL, stripe.completeSetup(setupSession, "ok"));
  await customer.goto("/billing?card=saved");
  await expect(customer.getByTestId("card-saved")).toBeVisible();
  await expect(auto.getByTestId("saved-card")).toHaveText("visa •••• 4242");

  // recharge with the Starter pack when the balance falls below what it is now
  await auto.getByLabel(t("billing.autoRechargeForm.enabled")).check();
  await auto.getByLabel(t("billing.autoRechargeForm.threshold")).fill(threshold);
  await auto.getByLabel(t("billing.autoRechargeForm.buy")).selectOption({ label: `Starter pack — ${formats(locale).money(1000, "usd")}` });
  await auto.getByRole("button", { name: t("billing.autoRechargeForm.save") }).click();
  await expect(customer.getByText(t("billing.actions.autoRechargeOn", { credits: threshold }))).toBeVisible();

  // a call with the customer's key takes the balance under it: the worker charges the card, once
  await customer.goto("/keys");
  const keyBox = await dialog(customer, t("keys.create.trigger"));
  await keyBox.getByLabel(t("keys.create.name")).fill("statement-app");
  await keyBox.getByRole("button", { name: t("keys.create.submit") }).click();
  const secret = (await keyBox.getByTestId("secret").textContent())!;
  await customer.keyboard.press("Escape");
  const answer = fetch(`${baseURL}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-e2e", max_tokens: 16, messages: [{ role: "user", content: "charge me" }] }),
  });
  // gpt-e2e's upstream model answers when the test lets it (the playground's streaming test needs that)
  await expect.poll(async () => (upstream.release(), Promise.race([answer.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]))).toBe(true);
  const call = await answer;
  expect(call.status, await call.clone().text()).toBe(200);
  await expect(async () => {
    await customer.goto("/billing");
    await expect(customer.getByTestId("payments")).toContainText(t("billing.recharge"));
    await expect(customer.getByTestId("payments")).toContainText(t("billing.paymentStatus", { status: "paid", label: "paid" }));
  }).toPass({ timeout: 30_000 });
  // one off-session charge (any other payment intent of the customer's is a Checkout top-up)
  expect([...stripe.paymentIntents.values()].filter((pi) => pi.customer === stripe.sessions.get(setupSession)!.customer && pi.description === "Auto-recharge")).toHaveLength(1);
  await customer.screenshot({ path: `e2e/screenshots/flow-${locale}-billing-recharged.jpeg`, type: "jpeg", quality: 70, fullPage: true });

  // the code from the admin
  const redeem = customer.getByTestId("redeem-code-form");
  await redeem.getByLabel(t("billing.redeem.code")).fill(code.toLowerCase().replaceAll("-", " "));
  await redeem.getByRole("button", { name: t("billing.redeem.submit") }).click();
  await expect(customer.getByText(pattern(t, "billing.redeem.redeemedExpiring", { credits: 250, date: "*" }))).toBeVisible();
  await customer.reload();
  await expect(customer.getByTestId("expiring-credits")).toContainText("250");

  // this month's statement: the top-ups, the call, the starter credits and the code
  await customer.getByRole("button", { name: t("billing.page.viewStatement") }).click();
  await expect(customer.getByTestId("statement")).toBeVisible();
  await expect(customer.getByTestId("statement-opening")).toHaveText("0");
  await expect(customer.getByTestId("statement-topups")).toHaveText(topUps);
  await expect(customer.getByTestId("statement-usage-by-model")).toContainText("gpt-e2e");
  await expect(customer.getByTestId("statement-movements")).toContainText(t("billing.kind", { kind: "starter" }));
  await expect(customer.getByTestId("statement-movements")).toContainText(t("billing.kind", { kind: "code" }));
  const closing = (await customer.getByTestId("statement-closing").textContent())!;
  await expect(customer.getByTestId("billing-balance")).toHaveCount(0);
  await customer.goto("/billing");
  await expect(customer.getByTestId("billing-balance")).toHaveText(closing);
  await customer.goto(`/billing/statement?month=${new Date().toISOString().slice(0, 7)}`);
  await customer.screenshot({ path: `e2e/screenshots/flow-${locale}-statement.jpeg`, type: "jpeg", quality: 70, fullPage: true });
}

test("a customer saves a card, is recharged when a call crosses the threshold, redeems a code and reads the month's statement", async ({ browser, baseURL }) => {
  const customer = await signedIn(browser, "customer@e2e.local", "customer-password-1");
  // the earlier top-up and now the recharge: 10,000 credits each
  await rechargeRedeemStatement({ t: EN, locale: "en", admin, customer, threshold: "10500", topUps: "20,000" }, baseURL!);
  await customer.context().close();
});

test("the same in Simplified Chinese: a browser asking for Chinese signs up and walks through billing, an admin switches the language", async ({ browser, baseURL }) => {
  // every page of the flow in Chinese, photographed: close to a minute on a busy 2-core machine
  test.setTimeout(120_000);
  const zh = translator("zh-CN");
  // the admin picks the language with the switcher (a cookie); the customer's browser asks for Chinese
  const adminZh = await signedIn(browser, E2E.admin.email, E2E.admin.password);
  await adminZh.getByTestId("locale-switcher").getByRole("button", { name: "简体中文" }).click();
  await expect(adminZh.locator("html")).toHaveAttribute("lang", "zh-CN");
  const customer = await (await browser.newContext({ locale: "zh-CN" })).newPage();
  await customer.goto("/sign-up");
  await expect(customer.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(customer.getByText(zh("auth.signUp.starter", { credits: 500 }))).toBeVisible();
  await customer.getByLabel(zh("auth.signUp.email")).fill("kehu@e2e.local");
  await customer.getByLabel(zh("auth.signUp.password")).fill("customer-password-2");
  await customer.getByRole("button", { name: zh("auth.signUp.submit") }).click();
  await expect(customer.getByTestId("sign-up-sent")).toContainText(zh("auth.signUp.answer"));
  const mail = await smtp.waitFor("kehu@e2e.local", { match: /verify-email\?token=/ });
  await customer.goto(/(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(mail.raw)![1]!);
  await expect(customer.getByRole("heading", { name: zh("auth.verify.confirmed") })).toBeVisible();
  await signIn(customer, "kehu@e2e.local", "customer-password-2", zh);
  await expect(customer.getByTestId("balance")).toHaveText("500");

  // only the recharge is a top-up for this customer
  await rechargeRedeemStatement({ t: zh, locale: "zh-CN", admin: adminZh, customer, threshold: "500", topUps: "10,000" }, baseURL!);

  // every page in Chinese, with no text missing from the message files
  const anonymous = await (await browser.newContext({ locale: "zh-CN" })).newPage();
  for (const [page, paths] of [[adminZh, ADMIN_PAGES], [customer, ACCOUNT_PAGES], [anonymous, PUBLIC_PAGES]] as const) {
    for (const path of paths) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      await expect(page.locator("h1").first()).toBeVisible();
      expect(await page.locator("body").innerText(), path).not.toMatch(MISSING_MESSAGE);
      await page.screenshot({ path: `e2e/screenshots/zh-CN-${path === "/" ? "landing" : path.slice(1).replaceAll("/", "-")}.jpeg`, type: "jpeg", quality: 70, fullPage: true });
    }
  }
  for (const page of [adminZh, customer, anonymous]) await page.context().close();
});

test("single sign-on: the identity provider vouches for a person, who becomes a member on first sign-in", async ({ browser }) => {
  oidc.user = { email: "Sso.Person@E2E.local", name: "Sso Person", sub: "acme-42" };
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText("sso.person@e2e.local");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, Sso Person");
  // a member: the admin pages stay closed
  expect((await page.goto("/admin"))?.status()).toBe(403);
  // the admin sees the new account, marked as SSO
  await admin.goto("/admin/users");
  await expect(admin.getByTestId("user-sso.person@e2e.local")).toContainText("SSO");
  await page.context().close();
});

/** The pages of one call, photographed with the rest (set by the logging test below). */
const CALL_PAGES: { admin: string[]; customer: string[] } = { admin: [], customer: [] };

test("with bodies logged, a call's redacted request and answer show on its page; a repeated call is a cache hit on the charts", async ({ browser, baseURL }) => {
  const settings = admin.getByTestId("logging-settings-form");
  const setLevel = async (level: string) => {
    await admin.goto("/admin/settings");
    await settings.getByLabel("Default log level").selectOption(level);
    await settings.getByRole("button", { name: "Save logging settings" }).click();
    await expect(admin.getByText(/logging setting saved/)).toBeVisible();
  };
  await setLevel("bodies");

  const customer = await signedIn(browser, "customer@e2e.local", "customer-password-1");
  await customer.goto("/keys");
  const keyBox = await dialog(customer, EN("keys.create.trigger"));
  await keyBox.getByLabel(EN("keys.create.name")).fill("logged-app");
  await keyBox.getByRole("button", { name: EN("keys.create.submit") }).click();
  const secret = (await keyBox.getByTestId("secret").textContent())!;
  const ask = async () => {
    const answer = fetch(`${baseURL}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", "x-hub-cache": "on" },
      body: JSON.stringify({ model: "gpt-e2e", max_tokens: 16, messages: [{ role: "user", content: "Write to jane.doe@example.com about card 4111 1111 1111 1111" }] }),
    });
    // gpt-e2e's upstream model answers when the test lets it; a cache hit does not ask it
    await expect.poll(async () => (upstream.release(), Promise.race([answer.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]))).toBe(true);
    const response = await answer;
    expect(response.status, await response.clone().text()).toBe(200);
    return { requestId: response.headers.get("x-request-id")!, cache: response.headers.get("x-hub-cache") };
  };
  const first = await ask();
  expect(first.cache).toBe("miss");
  await expect.poll(async () => (await ask()).cache, { timeout: 10_000 }).toBe("hit");

  const adminPath = `/admin/usage/calls/${first.requestId}`;
  // the call is on its page once its usage event is written (in batches, off the request path); the browser
  // opens it only then, so that it never keeps a "not found" rendered before the write
  await expect.poll(async () => (await (await admin.request.get(adminPath)).text()).includes('data-testid="call-request"'), { timeout: 15_000 }).toBe(true);
  await admin.goto(adminPath);
  await expect(admin.getByTestId("call-request")).toContainText("[REDACTED:email]");
  await expect(admin.getByTestId("call-request")).toContainText("[REDACTED:card]");
  await expect(admin.getByTestId("call-request")).not.toContainText("jane.doe@example.com");
  await expect(admin.getByTestId("call-response")).toContainText("chat.completion");
  await customer.goto(`/usage/calls/${first.requestId}`);
  await expect(customer.getByTestId("call-request")).toContainText("[REDACTED:email]");
  CALL_PAGES.admin.push(adminPath);
  CALL_PAGES.customer.push(`/usage/calls/${first.requestId}`);

  // the overview's cache chart counts the hit among today's calls
  await admin.goto("/admin");
  await expect(admin.getByTestId("cache-rate-chart")).toBeVisible();
  await setLevel("metadata");
  await customer.context().close();
});

const ADMIN_PAGES = ["/admin", "/admin/providers", "/admin/models", "/admin/users", "/admin/keys", "/admin/usage", "/admin/credits", "/admin/credits/codes", "/admin/settings", "/admin/playground", "/admin/alerts", "/admin/audit", "/admin/api"];
const ACCOUNT_PAGES = ["/dashboard", "/keys", "/usage", "/billing", "/billing/statement", "/quickstart"];
const PUBLIC_PAGES = ["/", "/pricing", "/sign-in", "/sign-up"];
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

test("every page renders, light and dark, on a desktop and a phone (screenshots in e2e/screenshots)", async ({ browser }) => {
  test.setTimeout(240_000);
  const customer = await signedIn(browser, "customer@e2e.local", "customer-password-1");
  const anonymous = await (await browser.newContext()).newPage();
  const shots: Array<[Page, string[]]> = [
    [admin, [...ADMIN_PAGES, ...CALL_PAGES.admin]],
    [customer, [...ACCOUNT_PAGES, ...CALL_PAGES.customer]],
    [anonymous, PUBLIC_PAGES],
  ];
  for (const [page, paths] of shots) {
    for (const path of paths) {
      for (const [device, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          const response = await page.goto(path);
          expect(response?.status(), path).toBe(200);
          await expect(page.locator("h1").first()).toBeVisible();
          // a call's page is named for what it is, not for its request id
          const name = path === "/" ? "landing" : path.slice(1).replace(/\/calls\/[^/]+$/, "/call").replaceAll("/", "-");
          await page.screenshot({ path: `e2e/screenshots/${name}-${scheme}-${device}.jpeg`, type: "jpeg", quality: 70, fullPage: true });
        }
      }
    }
  }
});
