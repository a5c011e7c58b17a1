import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV_NAMES } from "@/lib/env";
import { createDb, type Db } from "@/lib/db/client";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { loadCompose, parseEnvFile, variablesOf, type ComposeFile, type ComposeService } from "../helpers/compose";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/database";
import { copies, envOf, execForm, instructions, parseDockerfile, stage, type Stage } from "../helpers/dockerfile";
import { eventually } from "../helpers/eventually";
import { freePort } from "../helpers/hub-process";
import { watchChild, type WatchedChild } from "../helpers/watched-child";

// The Docker appliance without a Docker engine: the runner stage is assembled by copying exactly what
// the Dockerfile copies into an empty folder that stands for the container's file system, and the
// app and the worker are started there with the commands, environment and healthchecks that the
// Dockerfile and the compose file give them. Postgres + Redis with docker-compose.yml; SQLite alone
// with docker-compose.sqlite.yml. What only a Docker engine could show (the base image, apt, service
// DNS names) is checked statically instead.

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const kind = testDatabaseKind();
const COMPOSE_FILE = kind === "postgres" ? "docker-compose.yml" : "docker-compose.sqlite.yml";

const dockerfile = parseDockerfile(read("Dockerfile"));
const runner = stage(dockerfile, "runner");
const example = parseEnvFile(read(".env.example"));
// variables compose itself reads (the published port, the bundled Postgres' password), not the hub
const COMPOSE_ONLY = ["POSTGRES_PASSWORD", "HUB_PORT"];

function workdir(s: Stage): string {
  const dirs = instructions(s, "WORKDIR");
  return dirs.at(-1)!.args;
}

/** The build stage's working directory, through the stages it is built FROM. */
function buildWorkdir(): string {
  let current: Stage | undefined = stage(dockerfile, "build");
  while (current) {
    if (instructions(current, "WORKDIR").length) return workdir(current);
    current = dockerfile.stages.find((s) => s.name === current!.base);
  }
  throw new Error("the build stage has no WORKDIR");
}

/** Copies what the runner stage's COPY lines copy, from this checkout's build, into root. */
function assembleRunner(root: string): void {
  const inside = (p: string) => path.join(root, path.isAbsolute(p) ? p : path.join(workdir(runner), p));
  mkdirSync(inside("."), { recursive: true });
  for (const copy of copies(runner)) {
    for (const source of copy.sources) {
      // --from=build copies a path of the build stage (a checkout after `npm run build`); no --from, the context
      const from = copy.from ? path.join(ROOT, path.relative(buildWorkdir(), source)) : path.join(ROOT, source);
      expect(existsSync(from), `COPY source ${source}`).toBe(true);
      // a directory's contents go into the destination; a file to the destination path (or into it, with a /)
      const into = statSync(from).isFile() && copy.destination.endsWith("/");
      cpSync(from, into ? path.join(inside(copy.destination), path.basename(from)) : inside(copy.destination), { recursive: true });
    }
  }
  // RUN mkdir -p /data
  for (const { args } of instructions(runner, "RUN")) {
    const dirs = /^mkdir -p (\S+)/.exec(args)?.[1];
    if (dirs) mkdirSync(path.join(root, dirs), { recursive: true });
  }
}

/** The container's paths (/app, /data) live under root here. */
const rooted = (value: string, root: string) => value.replace(/(^|[:=])(\/(?:app|data))(?=\/|:|$)/g, (_, lead: string, p: string) => `${lead}${root}${p}`);

function run(command: string[], options: { cwd: string; env: Record<string, string> }): WatchedChild {
  const [file, ...args] = command;
  // `node` in the image is the image's Node; here it is the one running the tests
  return watchChild(spawn(file === "node" ? process.execPath : file!, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] }));
}

/** Runs a command to its end: exit code and stdout. */
async function runToEnd(command: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; stdout: string; output: string }> {
  const process_ = run(command, options);
  let stdout = "";
  process_.child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  const code = await process_.exited;
  return { code, stdout, output: process_.output() };
}

/** A healthcheck's `CMD` array (compose: ["CMD", …]); "CMD-SHELL" is not used by our files. */
function healthCommand(test: string[]): string[] {
  expect(test[0]).toBe("CMD");
  return test.slice(1);
}

async function healthy(command: string[], options: { cwd: string; env: Record<string, string> }, what: WatchedChild, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await runToEnd(command, options)).code === 0) return;
    if (what.child.exitCode !== null) throw new Error(`exited (code ${what.child.exitCode}) before healthy:\n${what.output()}`);
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs} ms:\n${what.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("the Dockerfile", () => {
  it("builds from source in stages and runs as a non-root user on an LTS Node", () => {
    expect(dockerfile.args.NODE_IMAGE).toMatch(/^node:(20|22|24)-slim$/);
    expect(dockerfile.stages.map((s) => s.name)).toEqual(["deps", "build", "runner"]);
    expect(instructions(stage(dockerfile, "deps"), "RUN").map((r) => r.args)).toContain("npm ci --no-audit --no-fund");
    expect(instructions(stage(dockerfile, "build"), "RUN").map((r) => r.args)).toEqual(["npm run build"]);
    expect(instructions(runner, "USER").map((u) => u.args)).toEqual(["node"]);
    expect(copies(runner).every((c) => c.chown === "node:node")).toBe(true);
    expect(instructions(runner, "EXPOSE").map((e) => e.args)).toEqual([envOf(runner, {}).PORT]);
    // exec form, so node is PID 1 and gets SIGTERM; the hub's own handler drains (not Next's)
    expect(execForm(instructions(runner, "CMD")[0]!.args)).toEqual(["node", "server.js"]);
    expect(envOf(runner, {}).NEXT_MANUAL_SIG_HANDLE).toBe("1");
    expect(instructions(runner, "HEALTHCHECK")).toHaveLength(1);
  });

  it("keeps installed, built and secret files out of the build context", () => {
    const ignored = read(".dockerignore").split("\n").filter((l) => l && !l.startsWith("#"));
    for (const entry of ["node_modules", ".next", "data", ".env", "lib/db/generated", ".git"]) expect(ignored).toContain(entry);
    // the deps stage copies what postinstall (prisma generate) reads, and only that
    for (const source of copies(stage(dockerfile, "deps")).flatMap((c) => c.sources)) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
  });
});

describe(`${COMPOSE_FILE}`, () => {
  const vars: Record<string, string> = { ...example, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"), POSTGRES_PASSWORD: "compose-test" };
  const compose: ComposeFile = loadCompose(path.join(ROOT, COMPOSE_FILE), vars);
  const hubServices = Object.entries(compose.services).filter(([, s]) => s.build === ".");

  it("reads only variables the hub knows, all of them documented in .env.example", () => {
    for (const file of ["docker-compose.yml", "docker-compose.sqlite.yml"]) {
      for (const name of variablesOf(read(file))) expect(Object.keys(example), `${file}: \${${name}}`).toContain(name);
    }
    for (const name of Object.keys(example)) expect([...ENV_NAMES, ...COMPOSE_ONLY], `.env.example: ${name}`).toContain(name);
    for (const [name, service] of hubServices) {
      for (const variable of Object.keys(service.environment ?? {})) expect(ENV_NAMES, `${name}: ${variable}`).toContain(variable);
    }
  });

  it("refuses to start without the secrets it cannot generate", () => {
    if (kind === "sqlite") return; // the embedded variant generates its master key into the volume
    expect(() => loadCompose(path.join(ROOT, COMPOSE_FILE), { ...vars, HUB_ENCRYPTION_KEY: "" })).toThrow(/HUB_ENCRYPTION_KEY/);
    expect(() => loadCompose(path.join(ROOT, COMPOSE_FILE), { ...vars, POSTGRES_PASSWORD: "" })).toThrow(/POSTGRES_PASSWORD/);
  });

  it("gives every service a healthcheck and a restart policy, and starts the hub after what it needs is healthy", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.restart, name).toBe("unless-stopped");
    }
    expect(hubServices.map(([name]) => name).sort()).toEqual(kind === "postgres" ? ["app", "worker"] : ["app"]);
    for (const [name, service] of hubServices) {
      expect(service.init, name).toBe(true);
      // longer than the hub's own shutdown deadline (HUB_SHUTDOWN_TIMEOUT_MS, 30 s by default)
      expect(Number.parseInt(service.stop_grace_period ?? "10", 10), name).toBeGreaterThan(30);
      for (const dependency of Object.keys(compose.services).filter((s) => !hubServices.some(([n]) => n === s))) {
        expect(service.depends_on?.[dependency]?.condition, `${name} → ${dependency}`).toBe("service_healthy");
      }
    }
    expect(compose.services.app!.ports).toEqual([`${vars.HUB_PORT}:${envOf(runner, {}).PORT}`]);
  });

  it("points the hub at its own services, with state in named volumes", () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) expect(declared).toContain(volume.split(":")[0]);
    }
    const environment = compose.services.app!.environment!;
    if (kind === "sqlite") {
      expect(environment.DATABASE_URL).toBe(`file:${envOf(runner, {}).HUB_DATA_DIR}/hub.db`);
      expect(compose.services.app!.volumes).toEqual([`hub-data:${envOf(runner, {}).HUB_DATA_DIR}`]);
      return;
    }
    const database = new URL(environment.DATABASE_URL!);
    const postgres = compose.services.postgres!.environment!;
    expect([database.hostname, database.port, database.username, decodeURIComponent(database.password), database.pathname]).toEqual(["postgres", "5432", postgres.POSTGRES_USER, postgres.POSTGRES_PASSWORD, `/${postgres.POSTGRES_DB}`]);
    expect(new URL(environment.REDIS_URL!).hostname).toBe("redis");
    // BullMQ needs Redis never to evict its keys
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(["--maxmemory-policy", "noeviction"]));
    expect(compose.services.worker!.environment).toEqual(environment);
    // the worker stores finished videos where the app serves them from
    expect(compose.services.app!.volumes).toEqual([`hub-data:${envOf(runner, {}).HUB_DATA_DIR}`]);
    expect(compose.services.worker!.volumes).toEqual(compose.services.app!.volumes);
  });
});

describe(`the runner stage, assembled and booted as ${COMPOSE_FILE} runs it`, () => {
  let root: string;
  let database: TestDatabase;
  let upstream: FakeOpenAI;
  let db: Db;
  const started: WatchedChild[] = [];
  let hubEnv: Record<string, string>;
  const METRICS_TOKEN = "appliance-metrics-token-0123456789";
  let cwd: string;
  let app: WatchedChild;
  let url: string;
  let appPort: number;
  let compose: ComposeFile;
  const adminEmail = "ops@example.com";
  let secret: string;

  /** The container's environment: image ENV, then env_file (.env), then the service's environment. */
  function containerEnv(service: ComposeService, dotenv: Record<string, string>): Record<string, string> {
    const image = envOf(runner, { PATH: process.env.PATH ?? "" });
    const merged: Record<string, string> = { HOME: root, ...image, ...dotenv, ...service.environment };
    for (const [k, v] of Object.entries(merged)) merged[k] = rooted(v, root);
    // compose's service names resolve only on its network; here the same services are on loopback
    if (merged.DATABASE_URL?.startsWith("postgres")) merged.DATABASE_URL = database.url;
    if (merged.REDIS_URL) merged.REDIS_URL = "redis://127.0.0.1:6379";
    return merged;
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "hub-image-"));
    assembleRunner(root);
    cwd = path.join(root, workdir(runner));
    database = await createTestDatabase();
    upstream = await startFakeOpenAI();
    appPort = await freePort();
    url = `http://127.0.0.1:${appPort}`;
    const dotenv = {
      ...example,
      HUB_ENCRYPTION_KEY: kind === "postgres" ? randomBytes(32).toString("base64") : "",
      POSTGRES_PASSWORD: "compose-test",
      HUB_ADMIN_EMAIL: adminEmail,
      HUB_ADMIN_PASSWORD: "appliance-password",
      HUB_PUBLIC_URL: url,
    };
    compose = loadCompose(path.join(ROOT, COMPOSE_FILE), dotenv);
    hubEnv = {
      ...containerEnv(compose.services.app!, dotenv),
      // the published port differs per test run; a separate Redis namespace per test file
      PORT: String(appPort),
      HUB_REDIS_PREFIX: `image${randomBytes(4).toString("hex")}`,
      HUB_ROLLUP_EVERY_MS: "1000",
      // the operator's token: /readyz shows its checks' details only with it
      HUB_METRICS_TOKEN: METRICS_TOKEN,
    };
    db = createDb(hubEnv.DATABASE_URL!);
  });

  afterAll(async () => {
    for (const process_ of started) await process_.stop();
    await db?.$disconnect();
    await upstream?.close();
    await database?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("holds the server, the bundled worker and CLI, migrations and static assets, and nothing from the build tools", () => {
    for (const file of ["server.js", "dist/worker.mjs", "dist/hub.mjs", "bin/hub", "prisma/migrations", ".next/static", "node_modules/better-sqlite3"]) {
      expect(existsSync(path.join(cwd, file)), file).toBe(true);
    }
    for (const absent of ["node_modules/typescript", "node_modules/vitest", "node_modules/esbuild", "node_modules/@types", "test", "e2e"]) {
      expect(existsSync(path.join(cwd, absent)), absent).toBe(false);
    }
  });

  it("starts the app with the image's CMD, migrates at start-up and passes both healthchecks", async () => {
    app = run(execForm(instructions(runner, "CMD")[0]!.args), { cwd, env: hubEnv });
    started.push(app);
    const imageCheck = execForm(instructions(runner, "HEALTHCHECK")[0]!.args);
    await healthy(imageCheck, { cwd, env: hubEnv }, app);
    // compose's check is /readyz on the container port; here the app listens on a free one
    const composeCheck = healthCommand(compose.services.app!.healthcheck!.test).map((a) => a.replace(":3000/", `:${appPort}/`));
    expect(composeCheck.join(" ")).toContain("/readyz");
    await healthy(composeCheck, { cwd, env: hubEnv }, app, 10_000);
    // anyone sees ok/failed per check; the operator's token shows the details
    expect(((await (await fetch(`${url}/readyz`)).json()) as { checks: unknown }).checks).toEqual({ database: "ok", migrations: "ok", redis: "ok" });
    const ready = (await (await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    expect(ready.checks).toMatchObject({ database: { ok: true }, migrations: { ok: true }, redis: { ok: true } });
    // the embedded variant has no Redis: jobs, holds and limits stay in the process
    expect(ready.checks.redis!.detail).toBe(kind === "postgres" ? undefined : "not configured");
    if (kind === "sqlite") expect(existsSync(path.join(root, "data/encryption.key"))).toBe(true);
  });

  it("starts the worker with the compose command and its healthcheck passes", async () => {
    if (kind === "sqlite") {
      // one container: the app runs the jobs itself
      expect(compose.services.worker).toBeUndefined();
      return;
    }
    const healthPort = await freePort();
    const service = compose.services.worker!;
    const worker = run(service.command!, { cwd, env: { ...containerEnv(service, {}), ...hubEnv, HUB_WORKER_HEALTH_PORT: String(healthPort) } });
    started.push(worker);
    const check = healthCommand(service.healthcheck!.test);
    expect(check.join(" ")).toContain(":3001/healthz");
    await healthy(check.map((a) => a.replace(":3001/", `:${healthPort}/`)), { cwd, env: hubEnv }, worker, 30_000);
  });

  it("is configured with the image's `hub` CLI and serves a chat call; the usage and its rollup are written by the jobs", async () => {
    const hub = async (...args: string[]) => {
      const result = await runToEnd(["hub", ...args, "--json"], { cwd, env: hubEnv });
      expect(result.code, result.output).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    await hub("provider", "add", "--type", "openai", "--name", "upstream", "--base-url", upstream.url, "--api-key", upstream.apiKey);
    await hub("model", "add", "--name", "gpt-appliance", "--provider", "upstream", "--upstream-model", "gpt-4o-mini", "--input-usd-per-1m", "1", "--output-usd-per-1m", "2");
    ({ secret } = (await hub("key", "create", "--user", adminEmail, "--name", "appliance")) as { secret: string });

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-appliance", messages: [{ role: "user", content: "hello appliance" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text.length).toBeGreaterThan(0);

    const { value: event } = await eventually(async () => {
      const found = await db.usageEvent.findFirst({ where: { requestedModel: "gpt-appliance" } });
      if (!found) throw new Error("no usage event yet");
      return found;
    }, 20_000);
    expect([event.status, event.usageSource, event.costNanoUsd > 0n]).toEqual([200, "upstream", true]);
    const { value: rollup } = await eventually(async () => {
      const found = await db.usageRollup.findFirst({ where: { period: "hour", model: "gpt-appliance" } });
      if (!found) throw new Error("no rollup yet");
      return found;
    }, 20_000);
    expect([rollup.calls, rollup.promptTokens, rollup.costNanoUsd]).toEqual([1, BigInt(event.promptTokens), event.costNanoUsd]);
  });

  it("stops on SIGTERM with exit code 0", async () => {
    for (const process_ of started.splice(0)) expect(await process_.stop(), process_.output()).toBe(0);
    // the log is JSON lines: one per call with its numbers and the key's prefix, never the key
    const lines = app.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === "aigne hub ready")).toBe(true);
    const call = lines.find((l) => l.msg === "call" && l.model === "gpt-appliance")!;
    expect(call).toMatchObject({ service: "aigne-hub", provider: "upstream", status: 200, key: secret.slice(0, 13) });
    expect(typeof call.requestId).toBe("string");
    expect(typeof call.latencyMs).toBe("number");
    expect(app.output()).not.toContain(secret);
  });
});
