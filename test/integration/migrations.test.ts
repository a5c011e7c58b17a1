import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { loadMigrations, migrate, MigrationError, migrationsDir } from "@/lib/db/migrate";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/database";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

async function fresh() {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

const migrationNames = () => loadMigrations(testDatabaseKind()).map((m) => m.name);

describe(`migrations on ${testDatabaseKind()}`, () => {
  it("applies every migration to a new database once", async () => {
    const { url } = await fresh();
    expect(await migrate(url)).toEqual(migrationNames());
    expect(await migrate(url)).toEqual([]);
  });

  it("leaves every table of the schema queryable", async () => {
    const { url } = await fresh();
    await migrate(url);
    const db = createDb(url);
    try {
      const delegates = Object.keys(db).filter((k) => !k.startsWith("$") && !k.startsWith("_") && typeof (db as never as Record<string, { findFirst?: unknown }>)[k]?.findFirst === "function");
      expect(delegates.length).toBeGreaterThanOrEqual(20);
      for (const name of delegates) await (db as never as Record<string, { findFirst(): Promise<unknown> }>)[name]!.findFirst();
    } finally {
      await db.$disconnect();
    }
  });

  it("is safe when several processes start at once", async () => {
    const { url } = await fresh();
    const runs = await Promise.all(
      Array.from({ length: 3 }, () => run(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "test/helpers/run-migrations.ts")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } })),
    );
    const applied = runs.map((r) => JSON.parse(r.stdout) as string[]);
    // exactly one process applied each migration, the others found it done
    expect(applied.flat().sort()).toEqual(migrationNames().sort());
  });

  it("refuses to run when an applied migration was edited", async () => {
    const { url } = await fresh();
    const dir = mkdtempSync(path.join(tmpdir(), "hub-migrations-"));
    try {
      cpSync(migrationsDir(), dir, { recursive: true });
      expect(await migrate(url, dir)).toEqual(migrationNames());
      const first = path.join(dir, testDatabaseKind(), `${migrationNames()[0]}.sql`);
      writeFileSync(first, "-- edited\n", { flag: "a" });
      await expect(migrate(url, dir)).rejects.toThrow(MigrationError);
      await expect(migrate(url, dir)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
