import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { databaseKind, sqlitePath, type DatabaseKind } from "../env";

// Applies prisma/migrations/<sqlite|postgres>/*.sql (written by `npm run db:migration`) in name
// order, each file in its own transaction, recording name and checksum in _hub_migrations. Safe to
// run from several processes at once: SQLite serialises on BEGIN IMMEDIATE, Postgres on an advisory lock.

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export const MIGRATIONS_TABLE = "_hub_migrations";
const PG_LOCK_ID = 4_242_000_001;

export function migrationsDir(): string {
  return path.resolve(process.env.HUB_MIGRATIONS_DIR ?? path.join(process.cwd(), "prisma/migrations"));
}

export function loadMigrations(kind: DatabaseKind, dir = migrationsDir()): Migration[] {
  const folder = path.join(dir, kind);
  if (!existsSync(folder)) throw new MigrationError(`no migrations found in ${folder}`);
  return readdirSync(folder)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(folder, file), "utf8");
      return { name: file.replace(/\.sql$/, ""), sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function verifyChecksum(migration: Migration, recorded: string | undefined) {
  if (recorded !== undefined && recorded !== migration.checksum) {
    throw new MigrationError(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
  }
}

function migrateSqlite(url: string, migrations: Migration[]): string[] {
  const file = sqlitePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const conn = new Database(file, { timeout: 30_000 });
  try {
    conn.pragma("journal_mode = WAL");
    conn.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied: string[] = [];
    for (const migration of migrations) {
      const apply = conn.transaction(() => {
        const row = conn.prepare(`SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE name = ?`).get(migration.name) as { checksum: string } | undefined;
        verifyChecksum(migration, row?.checksum);
        if (row) return false;
        conn.exec(migration.sql);
        conn.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, applied_at) VALUES (?, ?, ?)`).run(migration.name, migration.checksum, new Date().toISOString());
        return true;
      });
      if (apply.immediate()) applied.push(migration.name);
    }
    return applied;
  } finally {
    conn.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`);
    const recorded = new Map(rows.map((r) => [r.name, r.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      verifyChecksum(migration, recorded.get(migration.name));
      if (recorded.has(migration.name)) continue;
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [migration.name, migration.checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PG_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

/** Brings the database at `url` up to date; returns the names of the migrations it applied. */
export async function migrate(url: string, dir = migrationsDir()): Promise<string[]> {
  const kind = databaseKind(url);
  const migrations = loadMigrations(kind, dir);
  return kind === "sqlite" ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}
