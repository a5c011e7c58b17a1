// Fixed addresses and secrets of the e2e run: the hub is started (playwright.config.ts) with them,
// and the spec starts the fake upstream and the fake Stripe on them.
const base = Number(process.env.E2E_PORT ?? 3917);

export const E2E = {
  port: base,
  stripePort: base + 1,
  upstreamPort: base + 2,
  oidcPort: base + 3,
  smtpPort: base + 4,
  oidcClient: { id: "aigne-hub-e2e", secret: "oidc-client-secret-e2e" },
  stripeSecretKey: "sk_test_e2e_0123456789abcdef",
  stripeWebhookSecret: "whsec_e2e_0123456789abcdef",
  upstreamKey: "sk-upstream-e2e-0123456789abcdef",
  admin: { email: "admin@e2e.local", password: "e2e-admin-password" },
};
