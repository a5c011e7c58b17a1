import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { Database, Statement } from "better-sqlite3";

// The connection Prisma's SQLite adapter opened, for the hot statements worth preparing once: the
// adapter prepares every statement anew and maps each parameter through Prisma's query interpreter,
// which for a batch of usage events cost more CPU than the rest of its write (bench/README.md).
// Statements run on this connection belong to whatever transaction is open on it: the one Prisma's
// adapter holds (it serialises transactions on a mutex) while its callback runs.

export class SqliteAdapterFactory extends PrismaBetterSqlite3 {
  connection: Database | undefined;
  private readonly statements = new Map<string, Statement>();

  override async connect() {
    const adapter = await super.connect();
    this.connection = (adapter as unknown as { client: Database }).client;
    this.statements.clear();
    return adapter;
  }

  /** The statement for this SQL, prepared on first use; null before Prisma has connected. */
  prepared(sql: string): Statement | null {
    if (!this.connection?.open) return null;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A value as the adapter would bind it: dates as ISO text with an explicit offset, booleans as 0/1. */
export function sqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
