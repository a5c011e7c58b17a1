import { describe, expect, it } from "vitest";
import { ConfigError, databaseKind, env } from "@/lib/env";

describe("environment validation", () => {
  it("fills the embedded defaults", () => {
    const parsed = env({});
    expect(parsed).toMatchObject({ DATABASE_URL: "file:./data/hub.db", HUB_DATA_DIR: "./data", PORT: 3000, LOG_LEVEL: "info", HUB_USAGE_FLUSH_MS: 250 });
    expect(databaseKind(parsed.DATABASE_URL)).toBe("sqlite");
    expect(databaseKind("postgres://u@h/db")).toBe("postgres");
  });

  it("leaves tracing off unless an OTLP endpoint is set, and names the service aigne-hub", () => {
    expect(env({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(env({}).OTEL_SERVICE_NAME).toBe("aigne-hub");
    expect(env({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SERVICE_NAME: "hub-eu" })).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SERVICE_NAME: "hub-eu" });
  });

  it("treats empty strings as unset (as docker compose passes them)", () => {
    expect(env({ PORT: "", HUB_ENCRYPTION_KEY: "" })).toMatchObject({ PORT: 3000, HUB_ENCRYPTION_KEY: undefined });
  });

  it.each([
    [{ PORT: "http" }, /^invalid environment: PORT /],
    [{ DATABASE_URL: "mysql://x" }, /^invalid environment: DATABASE_URL must be file:<path> \(SQLite\) or postgres:\/\/… \(Postgres\)$/],
    [{ HUB_ADMIN_PASSWORD: "short" }, /^invalid environment: HUB_ADMIN_PASSWORD must be at least 8 characters$/],
    [{ HUB_ADMIN_EMAIL: "nobody" }, /^invalid environment: HUB_ADMIN_EMAIL must be an email address$/],
    [{ LOG_LEVEL: "loud" }, /^invalid environment: LOG_LEVEL /],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /^invalid environment: OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL$/],
  ])("names the bad variable in one line: %j", (source, message) => {
    expect(() => env(source)).toThrow(ConfigError);
    expect(() => env(source)).toThrow(message);
  });
});
