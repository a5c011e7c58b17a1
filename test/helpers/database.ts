import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export type DatabaseKind = "sqlite" | "postgres";

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

/** The database the current test project runs against (TEST_DB=sqlite|postgres). */
export function testDatabaseKind(): DatabaseKind {
  return process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
}

// The machine's Postgres (trust auth); every test file gets a database of its own.
const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function createTestDatabase(kind: DatabaseKind = testDatabaseKind()): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "hub-sqlite-"));
    return { kind, url: `file:${path.join(dir, "hub.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `hub_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
