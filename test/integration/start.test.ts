import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/password";
import { createDb } from "@/lib/db/client";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/database";
import { startHubProcess } from "../helpers/hub-process";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database;
}

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hub-start-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const GENERATED = /Password \(shown once, change it after signing in\): (\S+)/;

describe("npm start", () => {
  it("migrates a new database, creates the first admin with a generated password printed once, and serves the landing page", async () => {
    const database = await freshDatabase();
    const env = { DATABASE_URL: database.url, HUB_DATA_DIR: freshDir(), HUB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), HUB_ADMIN_EMAIL: "owner@test.local" };
    const first = await startHubProcess(env);
    const password = GENERATED.exec(first.output())?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // API traffic and probes are answered without loading Next; the first page loads it
    expect((await fetch(`${first.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${first.url}/v1/nowhere`)).status).toBe(404);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(first.output()).not.toContain("loading the web UI");

    const page = await fetch(first.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("AIGNE Hub");
    expect(html).toContain(`${first.url}/v1`);
    expect(first.output()).toContain("loading the web UI");
    expect(await first.stop()).toBe(0);

    const db = createDb(database.url);
    const admin = await db.user.findUniqueOrThrow({ where: { email: "owner@test.local" } });
    expect(admin.role).toBe("admin");
    expect(await verifyPassword(password!, admin.passwordHash!)).toBe(true);
    await db.$disconnect();

    // a second start finds the admin and prints no password
    const second = await startHubProcess(env);
    expect(second.output()).not.toMatch(GENERATED);
    expect(await second.stop()).toBe(0);
  });

  it.runIf(testDatabaseKind() === "sqlite")("defaults to a SQLite file and a generated master key under ./data", async () => {
    const cwd = freshDir();
    const hub = await startHubProcess({ HUB_ADMIN_PASSWORD: "first-admin-pw" }, { cwd });
    try {
      expect(existsSync(path.join(cwd, "data/hub.db"))).toBe(true);
      const keyFile = path.join(cwd, "data/encryption.key");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(hub.output()).toContain("HUB_ENCRYPTION_KEY is not set; generated a master key");
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    } finally {
      await hub.stop();
    }
  });

  it.runIf(testDatabaseKind() === "postgres")("requires HUB_ENCRYPTION_KEY with Postgres", async () => {
    const database = await freshDatabase();
    const failure = await startHubProcess({ DATABASE_URL: database.url, HUB_DATA_DIR: freshDir() }).catch((e: Error) => e);
    expect((failure as Error).message).toContain("HUB_ENCRYPTION_KEY is required when DATABASE_URL is Postgres");
  });

  it("refuses a malformed DATABASE_URL in one line", async () => {
    const failure = await startHubProcess({ DATABASE_URL: "mysql://nope", HUB_DATA_DIR: freshDir() }).catch((e: Error) => e);
    expect((failure as Error).message).toContain("invalid environment: DATABASE_URL must be file:<path> (SQLite) or postgres://… (Postgres)");
  });
});
