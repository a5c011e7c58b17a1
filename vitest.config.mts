import path from "node:path";
import { defineConfig } from "vitest/config";

const integration = (db: "sqlite" | "postgres") => ({
  extends: true as const,
  test: {
    name: `integration-${db}`,
    include: ["test/integration/**/*.test.ts", "test/security/**/*.test.ts"],
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
