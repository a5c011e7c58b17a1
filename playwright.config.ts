import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/env";

// e2e runs the production server as `npm start` does, on a throwaway SQLite database, and drives
// Debian's Chromium (browsers cannot be downloaded here).
const port = E2E.port;
const dataDir = mkdtempSync(path.join(tmpdir(), "hub-e2e-"));

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  // a server action answered in well under a second here has taken over 5 s (Playwright's default
  // wait) on a CI machine still busy winding down the integration suite
  expect: { timeout: 15_000 },
  // one hub, one story: the flows build on each other
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HUB_HOST: "127.0.0.1",
      DATABASE_URL: `file:${path.join(dataDir, "hub.db")}`,
      HUB_DATA_DIR: dataDir,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HUB_ADMIN_EMAIL: E2E.admin.email,
      HUB_ADMIN_PASSWORD: E2E.admin.password,
      // self sign-up mails a confirmation link (to the spec's SMTP server) pointing at this address
      HUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HUB_SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
      STRIPE_SECRET_KEY: E2E.stripeSecretKey,
      STRIPE_WEBHOOK_SECRET: E2E.stripeWebhookSecret,
      STRIPE_API_URL: `http://127.0.0.1:${E2E.stripePort}`,
      AUTH_OIDC_ISSUER: `http://127.0.0.1:${E2E.oidcPort}/oidc`,
      AUTH_OIDC_CLIENT_ID: E2E.oidcClient.id,
      AUTH_OIDC_CLIENT_SECRET: E2E.oidcClient.secret,
      AUTH_OIDC_NAME: "Acme SSO",
      LOG_LEVEL: "warn",
      // charts read the rollups: keep them seconds behind, not a minute
      HUB_ROLLUP_EVERY_MS: "1000",
      // an alert a receiver refuses is retried in seconds, not minutes
      HUB_ALERT_RETRY_BASE_MS: "100",
    },
  },
});
