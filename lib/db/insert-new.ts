import type { Tx } from "./client";
import { sqliteAdapter } from "./client";
import { SqlParams } from "./sql";
import { sqliteValue } from "./sqlite-connection";

/**
 * Inserts rows, skipping those whose unique `key` column is already taken (a retried batch), and
 * returns the keys of the rows it inserted — one statement for all rows on Postgres; on SQLite one
 * statement prepared once and run per row on the transaction's connection (as fast, and no statement
 * of thousands of parameters to compile each time).
 */
export async function insertNew(tx: Tx, table: string, columns: readonly string[], key: string, rows: ReadonlyArray<readonly unknown[]>): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const keyAt = columns.indexOf(key);
  const quoted = columns.map((c) => `"${c}"`).join(",");
  const sqlite = sqliteAdapter();
  const statement = sqlite?.prepared(`INSERT INTO "${table}" (${quoted}) VALUES (${columns.map(() => "?").join(",")}) ON CONFLICT ("${key}") DO NOTHING`);
  if (statement) {
    const fresh = new Set<string>();
    for (const row of rows) if (statement.run(row.map(sqliteValue)).changes > 0) fresh.add(row[keyAt] as string);
    return fresh;
  }
  const params = new SqlParams();
  const values = rows.map((row) => params.list(row));
  const inserted = await tx.$queryRawUnsafe<Array<Record<string, string>>>(
    `INSERT INTO "${table}" (${quoted}) VALUES ${values.join(",")} ON CONFLICT ("${key}") DO NOTHING RETURNING "${key}"`,
    ...params.values,
  );
  return new Set(inserted.map((row) => row[key]!));
}
