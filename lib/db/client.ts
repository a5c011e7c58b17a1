import { PrismaPg } from "@prisma/adapter-pg";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { databaseKind, env, sqlitePath } from "../env";
import { processSingleton } from "../singleton";
import { SqliteAdapterFactory } from "./sqlite-connection";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";

export type { Prisma } from "./generated/sqlite/client";

/**
 * Both generated clients come from the same schema and expose the same API; the SQLite one's type
 * is the one the code is written against.
 */
export type Db = InstanceType<typeof SqliteClient>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

// Operator changes run in interactive transactions; on a busy machine (or SQLite waiting for another
// process's write lock) Prisma's 5 s default is too tight for them.
const transactionOptions = { maxWait: 10_000, timeout: 20_000 };

export function createDb(url: string): Db {
  if (databaseKind(url) === "sqlite") {
    const file = sqlitePath(url);
    mkdirSync(path.dirname(file), { recursive: true });
    // busy timeout: the CLI and the server may write the same file at once
    const adapter = new SqliteAdapterFactory({ url: file, timeout: 10_000 });
    const client = new SqliteClient({ adapter, transactionOptions });
    sqliteAdapters.set(client, adapter);
    return client;
  }
  // a bounded connect: with the database gone, calls fail in seconds instead of waiting forever
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 }), transactionOptions }) as unknown as Db;
}

const sqliteAdapters = new WeakMap<Db, SqliteAdapterFactory>();

/** The adapter behind the process-wide client on SQLite (its connection, prepared statements); null on Postgres. */
export function sqliteAdapter(): SqliteAdapterFactory | null {
  return sqliteAdapters.get(db()) ?? null;
}

/** The process-wide database client for DATABASE_URL. */
export function db(): Db {
  return processSingleton("db", () => createDb(env().DATABASE_URL));
}
