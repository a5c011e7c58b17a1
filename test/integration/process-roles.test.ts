import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { createTestDatabase, testDatabaseKind } from "../helpers/database";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { freePort, startHubProcess, type HubProcess } from "../helpers/hub-process";
import { watchChild } from "../helpers/watched-child";

// HUB_ROLE splits one hub into processes a deployment scales apart (deploy/kubernetes/): gateway
// replicas that never load the web UI, one admin process, workers; and `hub migrate` for the migration
// job that runs before them. The cross-replica behaviour (holds, limits, revocations) is in scale-out.test.ts.

describe("hub migrate (the deployment's migration job)", () => {
  it("applies every pending migration once, then finds the schema current", async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
      const first = await runCli(["migrate", "--json"], env);
      expect(first.code, first.stderr).toBe(0);
      const { applied } = JSON.parse(first.stdout) as { applied: string[] };
      expect(applied[0]).toBe("0001_init");
      expect(applied.length).toBeGreaterThan(10);
      const again = await runCli(["migrate"], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.trim()).toBe("the database schema is current");
    } finally {
      await database.drop();
    }
  });
});

// replicas of a new deployment start together on one empty Postgres (SQLite has one server process)
describe.runIf(testDatabaseKind() === "postgres")("replicas starting at once on a fresh database", () => {
  it("all start: one migrates under the lock, one creates the first admin, none crashes on the other's row", async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), HUB_ROLE: "gateway", HUB_ADMIN_EMAIL: "first@test.local", HUB_ADMIN_PASSWORD: "correct-horse-battery" };
    const started = await Promise.allSettled(Array.from({ length: 4 }, () => startHubProcess(env)));
    try {
      for (const replica of started) expect(replica.status === "rejected" ? String(replica.reason).slice(0, 600) : "started").toBe("started");
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const admins = await client.query<{ email: string }>(`SELECT email FROM "User" WHERE role = 'admin'`).finally(() => client.end());
      expect(admins.rows.map((row) => row.email)).toEqual(["first@test.local"]);
    } finally {
      await Promise.all(started.map((replica) => (replica.status === "fulfilled" ? replica.value.stop("SIGKILL") : null)));
      await database.drop();
    }
  });
});

// the roles themselves do not depend on the database: once is enough
describe.runIf(testDatabaseKind() === "sqlite")("process roles", () => {
  let f: HubFixture;
  let admin: HubProcess;

  beforeAll(async () => {
    f = await startHubFixture({ env: { HUB_ROLE: "gateway" } });
    admin = await startHubProcess({ ...f.env, HUB_ROLE: "admin" });
  }, 120_000);

  afterAll(async () => {
    await admin?.stop("SIGKILL");
    await f?.close();
  });

  it("a gateway process serves calls, says so on /healthz, and answers pages with a JSON 404 without loading the web UI", async () => {
    const completion = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]!.message.content).toBeTruthy();
    expect(await (await fetch(`${f.hub.url}/healthz`)).json()).toEqual({ status: "ok", role: "gateway", runs: ["gateway", "jobs"] });
    for (const page of ["/", "/admin", "/sign-in", "/api/admin/v1/users"]) {
      const res = await fetch(`${f.hub.url}${page}`);
      expect(res.status, page).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unknown_url");
    }
    expect(f.hub.output()).not.toMatch(/loading the web UI/);
  });

  it("the admin process serves the web UI and the admin API but no gateway call", async () => {
    expect(await (await fetch(`${admin.url}/healthz`)).json()).toEqual({ status: "ok", role: "admin", runs: ["admin", "web", "jobs"] });
    const login = await fetch(`${admin.url}/sign-in`);
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/text\/html/);
    // the admin API is there (asks for a token), the gateway is not (no key check: not served at all)
    expect((await fetch(`${admin.url}/api/admin/v1/users`)).status).toBe(401);
    const call = await fetch(`${admin.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" }, body: "{}" });
    expect(call.status).toBe(404);
    expect(((await call.json()) as { error: { code: string } }).error.code).toBe("unknown_url");
  });

  it("HUB_ROLE=worker makes the image's server.js the queue worker, and its health says so", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../../.next/standalone/server.js")], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...f.env, REDIS_URL, HUB_REDIS_PREFIX: `${f.env.HUB_REDIS_PREFIX ?? "roles"}-worker`, HUB_ROLE: "worker", HUB_WORKER_HEALTH_PORT: String(port), LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = watchChild(child);
    try {
      await worker.waitFor(/aigne hub worker ready/, 30_000, "worker");
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: "ok", role: "worker", runs: ["jobs"] });
      expect(worker.output()).not.toMatch(/listening on/);
    } finally {
      await worker.stop("SIGKILL");
    }
  });
});
