import path from "node:path";
import { defineConfig } from "vitest/config";

// Suites of the wire protocols, SDK clients, provider translations, tracing and the UI's languages:
// nothing in them depends on the database kind, so they run once, on SQLite. Everything that reads or
// writes tenant data, money, holds, limits or the schema runs against both.
const DATABASE_AGNOSTIC = [
  "affinity", "aigne-completions", "anthropic-messages", "audio-and-moderation", "client-matrix", "embeddings-and-models", "errors", "i18n",
  "ideogram", "providers", "responses-api", "route-table", "tracing", "tracing-off",
].map((name) => `test/integration/${name}.test.ts`).concat("test/security/body-limits.test.ts");

const integration = (db: "sqlite" | "postgres") => ({
  extends: true as const,
  test: {
    name: `integration-${db}`,
    include: ["test/integration/**/*.test.ts", "test/security/**/*.test.ts"],
    exclude: db === "postgres" ? DATABASE_AGNOSTIC : [],
    env: { TEST_DB: db },
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // each integration file runs its own hub process; two cores do not want more at once
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/fakes/**/*.test.ts"], testTimeout: 30_000 } },
      integration("sqlite"),
      integration("postgres"),
    ],
  },
});
