import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { WebClient } from "../helpers/web-client";

let f: HubFixture;
// a small cap, so a test can go past it without a huge request
const MAX_BODY_BYTES = 4096;
beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_LOG_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  await f.lib.addModel({ name: "refuses", provider: "fake", upstreamModel: "fake-error-400", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
});
afterAll(async () => {
  await f?.close();
});

const TOOLS = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

async function keyAt(level: string, userEmail = MEMBER) {
  const { secret, key } = await f.lib.createApiKey({ userEmail, name: `log ${level}` }, "test");
  await f.lib.setLogLevel({ keyId: key.id }, level, "test");
  return { client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }), keyId: key.id };
}

async function chat(client: OpenAI, content = "hi", model = "gpt-4o-mini") {
  const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content }] }).withResponse();
  return response.headers.get("x-request-id")!;
}

/** The request id of a call the upstream refused (the SDK throws; the id is in the error's headers). */
async function failedChat(client: OpenAI) {
  const error = await client.chat.completions.create({ model: "refuses", messages: [{ role: "user", content: "hi" }] }).then(
    () => null,
    (e: InstanceType<typeof OpenAI.APIError>) => e,
  );
  expect(error?.status).toBe(400);
  return error!.headers!.get("x-request-id")!;
}

/** Whether a call's body was logged: waits for its usage event, then a flush of the body writer. */
async function logged(requestId: string) {
  await f.usageEvent(requestId);
  await new Promise((r) => setTimeout(r, 600));
  return (await f.db.callBody.findUnique({ where: { requestId } })) !== null;
}

const body = (requestId: string) =>
  eventually(async () => {
    const row = await f.db.callBody.findUnique({ where: { requestId } });
    if (!row) throw new Error("not written yet");
    return row;
  }, 5000).then((r) => r.value);

describe("request logging", () => {
  it("logs the redacted request and answer of a key at bodies, streamed with a tool call too", async () => {
    const { client } = await keyAt("bodies");
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "mail jane@example.com about card 4111 1111 1111 1111" }] })
      .withResponse();
    const plain = await body(response.headers.get("x-request-id")!);
    expect(plain.request).toContain("[REDACTED:email]");
    expect(plain.request).toContain("[REDACTED:card]");
    expect(plain.request).not.toContain("jane@example.com");
    expect(JSON.parse(plain.response!)).toMatchObject({ object: "chat.completion" });

    const { data: stream, response: streamed } = await client.chat.completions
      .create({ model: "gpt-4o-mini", stream: true, tools: TOOLS, messages: [{ role: "user", content: "weather?" }] })
      .withResponse();
    for await (const _ of stream) void _;
    const logged = await body(streamed.headers.get("x-request-id")!);
    const answer = JSON.parse(logged.response!) as { choices: Array<{ message: { tool_calls: Array<{ function: { name: string } }> }; finish_reason: string }> };
    expect(answer.choices[0]!.message.tool_calls[0]!.function.name).toBe("get_weather");
    expect(answer.choices[0]!.finish_reason).toBe("tool_calls");
    expect(logged.expiresAt.getTime() - logged.createdAt.getTime()).toBe(30 * 86_400_000);
  });

  it("keeps no body for a key at metadata, but the error message of a failed call", async () => {
    const { client } = await keyAt("metadata");
    expect(await logged(await chat(client))).toBe(false);
    const failed = await f.usageEvent(await failedChat(client));
    expect(failed.errorMessage).toContain("does not support this request");
  });

  it("at off keeps no body and no error message, and still meters the call", async () => {
    const { client } = await keyAt("off");
    const requestId = await chat(client, "mail jane@example.com");
    expect(await logged(requestId)).toBe(false);
    const event = await f.usageEvent(requestId);
    expect(event.promptTokens).toBeGreaterThan(0);
    expect(event.costNanoUsd).toBeGreaterThan(0n);
    const failed = await f.usageEvent(await failedChat(client));
    expect(failed).toMatchObject({ status: 400, errorMessage: null });
    expect(failed.errorCode).not.toBeNull();
  });

  it("inherits: a key without a level follows its team, a team without one the hub setting", async () => {
    const email = "inherit@test.local";
    await f.lib.createUser({ email, role: "member" }, "test");
    await f.lib.createTeam({ name: "loggers" }, "test");
    await f.lib.joinTeam(email, "loggers", "test");
    const { client, keyId } = await keyAt("inherit", email);
    const waitFor = async (expected: boolean) =>
      eventually(async () => expect(await logged(await chat(client))).toBe(expected), 5000);

    await f.lib.setSetting("request-logging", "bodies", "test");
    await waitFor(true);
    await f.lib.setLogLevel({ teamName: "loggers" }, "off", "test");
    await waitFor(false);
    await f.lib.setLogLevel({ keyId }, "bodies", "test");
    await waitFor(true);
    await f.lib.setLogLevel({ keyId }, "inherit", "test");
    await f.lib.setLogLevel({ teamName: "loggers" }, "inherit", "test");
    await f.lib.setSetting("request-logging", "metadata", "test");
    await waitFor(false);
    const changes = await f.db.auditLog.findMany({ where: { action: "logging.set", target: keyId }, orderBy: { createdAt: "asc" } });
    expect(changes.map((c) => JSON.parse(c.after ?? "{}").logLevel)).toEqual([null, "bodies", null]);
  });

  it("logs every call's body when the hub is set to bodies, redacting the admin's patterns too", async () => {
    await f.lib.setSetting("log-redact-patterns", "ORDER-\\d{6}\ninternal-[a-z]+", "test");
    expect((await f.lib.currentSettings()).logRedactPatterns).toEqual(["ORDER-\\d{6}", "internal-[a-z]+"]);
    await expect(f.lib.setSetting("log-redact-patterns", "(a+)+", "test")).rejects.toThrow(/catastrophic/);
    await f.lib.setSetting("request-logging", "bodies", "test");
    try {
      const { client } = await keyAt("inherit");
      // the hub takes the new settings within its config poll
      const { value: requestId } = await eventually(async () => {
        const id = await chat(client, "order ORDER-123456 from internal-billing, call +8613812345678");
        if (!(await logged(id))) throw new Error("not logged yet");
        return id;
      }, 10_000);
      const row = await body(requestId);
      expect(row.request).toContain("[REDACTED:custom]");
      expect(row.request).toContain("[REDACTED:phone]");
      expect(row.request).not.toMatch(/ORDER-123456|internal-billing|8613812345678/);
    } finally {
      await f.lib.setSetting("request-logging", "metadata", "test");
      await f.lib.setSetting("log-redact-patterns", "", "test");
    }
  });

  it("cuts a body at HUB_LOG_MAX_BODY_BYTES and marks it truncated", async () => {
    const { client } = await keyAt("bodies");
    const row = await body(await chat(client, "x".repeat(3 * MAX_BODY_BYTES)));
    expect(row.truncated).toBe(true);
    expect(Buffer.byteLength(row.request)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.parse(row.response!)).toMatchObject({ object: "chat.completion" });
  });
});

describe("the logging CLI", () => {
  it("sets a key's and a team's log level, refuses a level it does not know, and sets the hub's logging settings", async () => {
    const cli = (...args: string[]) => runCli([...args, "--json"], f.env);
    const { client, keyId } = await keyAt("inherit");
    const key = await f.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    const set = await cli("logging", "set", "--key", key.prefix, "--level", "bodies");
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ logLevel: "bodies" });
    await eventually(async () => expect(await logged(await chat(client))).toBe(true), 5000);

    const wrong = await cli("logging", "set", "--key", key.prefix, "--level", "verbose");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("off, metadata, bodies, inherit");
    await f.lib.createTeam({ name: "cli-loggers" }, "test");
    expect(JSON.parse((await cli("logging", "set", "--team", "cli-loggers", "--level", "off")).stdout)).toMatchObject({ logLevel: "off" });
    expect((await f.db.team.findUniqueOrThrow({ where: { name: "cli-loggers" } })).logLevel).toBe("off");
    expect(JSON.parse((await cli("logging", "set", "--key", key.prefix, "--level", "inherit")).stdout)).toMatchObject({ logLevel: null });

    const retention = await cli("settings", "set", "log-bodies-retention-days", "7");
    expect(retention.code, retention.stderr).toBe(0);
    expect(JSON.parse(retention.stdout).settings).toMatchObject({ logBodiesRetentionDays: 7 });
    const bad = await cli("settings", "set", "log-redact-patterns", "(\\w*)*");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("catastrophic");
    await f.lib.setSetting("log-bodies-retention-days", "30", "test");
    // seven CLI processes, each starting the hub's bundle: slow on a busy 2-core machine
  }, 120_000);
});

describe("the logging forms", () => {
  const SETTINGS_FILE = "app/admin/settings/logging-actions.ts";

  it("save the hub's logging settings, showing a refused pattern next to its field", async () => {
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const page = await (await web.fetch("/admin/settings")).text();
    expect(page).toContain('data-testid="logging-settings-form"');

    const save = (fields: Record<string, string>) => web.action<{ ok?: string; fieldErrors?: Record<string, string[]> }>("/admin/settings", SETTINGS_FILE, "saveLoggingSettingsAction", fields);
    const refused = await save({ requestLogging: "metadata", logRedactPatterns: "ORDER-\\d+\n(a+)+", logBodiesRetentionDays: "30" });
    expect(refused.fieldErrors?.logRedactPatterns?.[0]).toContain("catastrophic");
    expect((await save({ requestLogging: "metadata", logRedactPatterns: "", logBodiesRetentionDays: "0" })).fieldErrors?.logBodiesRetentionDays).toBeDefined();

    const saved = await save({ requestLogging: "metadata", logRedactPatterns: "ORDER-\\d+\n\ninvoice-[0-9]+", logBodiesRetentionDays: "14", logMetadataRetentionDays: "90" });
    expect(saved.ok).toBe("3 logging settings saved");
    // this process sees the hub's change within its config poll
    await eventually(async () => expect(await f.lib.currentSettings()).toMatchObject({ logRedactPatterns: ["ORDER-\\d+", "invoice-[0-9]+"], logBodiesRetentionDays: 14, logMetadataRetentionDays: 90 }));
    expect((await save({ requestLogging: "metadata", logRedactPatterns: "", logBodiesRetentionDays: "30" })).ok).toBe("3 logging settings saved");
    await eventually(async () => expect(await f.lib.currentSettings()).toMatchObject({ logRedactPatterns: [], logBodiesRetentionDays: 30, logMetadataRetentionDays: null }));
  });

  it("set a key's and a team's log level from their pages", async () => {
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const { keyId } = await keyAt("inherit");
    await f.lib.createTeam({ name: "form-loggers" }, "test");
    const set = (page: string, fields: Record<string, string>) => web.action<{ ok?: string; error?: string }>(page, SETTINGS_FILE, "logLevelAction", fields);
    expect((await set("/admin/keys", { keyId, level: "bodies" })).ok).toMatch(/Log level of key .*: Bodies/);
    expect((await f.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).logLevel).toBe("bodies");
    expect(await (await web.fetch("/admin/keys")).text()).toContain("Log level: Bodies");
    expect((await set("/admin/users", { teamName: "form-loggers", level: "off" })).ok).toMatch(/team form-loggers: Off/);
    expect((await set("/admin/keys", { keyId, level: "inherit" })).ok).toMatch(/inherited/);
    expect((await f.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).logLevel).toBeNull();
  });
});

describe("log retention", () => {
  const DAY = 86_400_000;

  it("deletes bodies past their expiry and keeps the newer ones", async () => {
    const { pruneCallBodies } = await import("@/lib/logging/body-writer");
    const now = Date.now();
    const row = (requestId: string, expiresAt: number) => ({ requestId, request: "{}", createdAt: new Date(now - 40 * DAY), expiresAt: new Date(expiresAt) });
    await f.db.callBody.createMany({ data: [row("expired-body", now - 1000), row("kept-body", now + DAY)] });
    expect(await pruneCallBodies(new Date(now))).toBeGreaterThanOrEqual(1);
    expect(await f.db.callBody.findUnique({ where: { requestId: "expired-body" } })).toBeNull();
    expect(await f.db.callBody.findUnique({ where: { requestId: "kept-body" } })).not.toBeNull();
  });

  it("deletes call metadata older than logMetadataRetentionDays when it is set", async () => {
    const { billingJobs } = await import("@/lib/billing/jobs");
    const retention = billingJobs().find((job) => job.name === "usage.retention")!;
    const event = (requestId: string, daysAgo: number) => ({ requestId, endpoint: "chat", requestedModel: "gpt-4o-mini", latencyMs: 1, status: 200, startedAt: new Date(Date.now() - daysAgo * DAY) });
    await f.db.usageEvent.createMany({ data: [event("old-call", 3), event("recent-call", 0.5)] });
    await f.lib.setSetting("log-metadata-retention-days", "2", "test");
    try {
      await eventually(async () => {
        await retention.run({});
        expect(await f.db.usageEvent.findUnique({ where: { requestId: "old-call" } })).toBeNull();
      }, 5000);
      expect(await f.db.usageEvent.findUnique({ where: { requestId: "recent-call" } })).not.toBeNull();
    } finally {
      await f.lib.setSetting("log-metadata-retention-days", "none", "test");
    }
  });
});
