import type { Tx } from "./client";
import { sqliteAdapter } from "./client";
import { SqlParams } from "./sql";
import { sqliteValue } from "./sqlite-connection";
import { databaseKind } from "../env";

/**
 * Inserts rows, skipping those whose unique `key` column is already taken (a retried batch), and
 * returns the keys of the rows it inserted. On Postgres one statement for all rows, its rows one JSON
 * parameter that the server expands (json_populate_recordset) — a VALUES list of thousands of
 * parameters cost the driver and the server more than the rows themselves; on SQLite one statement
 * prepared once and run per row on the transaction's connection.
 */
export async function insertNew(tx: Tx, table: string, columns: readonly string[], key: string, rows: ReadonlyArray<readonly unknown[]>): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const keyAt = columns.indexOf(key);
  const quoted = columns.map((c) => `"${c}"`).join(",");
  const sqlite = sqliteAdapter();
  const statement = sqlite?.prepared(`INSERT INTO "${table}" (${quoted}) VALUES (${columns.map(() => "?").join(",")}) ON CONFLICT ("${key}") DO NOTHING`);
  if (statement) {
    const fresh = new Set<string>();
    for (const row of rows) if (statement.run(row.map((value) => sqliteValue(storable(value)))).changes > 0) fresh.add(row[keyAt] as string);
    return fresh;
  }
  const inserted =
    databaseKind() === "postgres"
      ? await tx.$queryRawUnsafe<Array<Record<string, string>>>(
          `INSERT INTO "${table}" (${quoted}) SELECT ${quoted} FROM json_populate_recordset(NULL::"${table}", $1::json) ON CONFLICT ("${key}") DO NOTHING RETURNING "${key}"`,
          asJsonRecords(columns, rows),
        )
      : await valuesInsert(tx, table, quoted, key, rows);
  return new Set(inserted.map((row) => row[key]!));
}

/** SQLite through a client whose connection this process cannot prepare on (no adapter registered): one multi-row statement. */
function valuesInsert(tx: Tx, table: string, quoted: string, key: string, rows: ReadonlyArray<readonly unknown[]>) {
  const params = new SqlParams();
  const values = rows.map((row) => params.list(row.map(storable)));
  return tx.$queryRawUnsafe<Array<Record<string, string>>>(
    `INSERT INTO "${table}" (${quoted}) VALUES ${values.join(",")} ON CONFLICT ("${key}") DO NOTHING RETURNING "${key}"`,
    ...params.values,
  );
}

/**
 * Text as both databases can store it and give back: a lone surrogate (half a pair) becomes U+FFFD, what
 * a UTF-8 encoder makes of it (SQLite kept its bytes as invalid UTF-8 and gave three back; Postgres refuses
 * `\udXXX` in JSON), and NUL goes (Postgres text cannot hold it). Written as it came, one such value — a
 * client's model name, an upstream's error message — failed its whole usage batch at every retry, other
 * tenants' usage with it.
 */
function storable(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const whole = value.isWellFormed() ? value : value.toWellFormed();
  return whole.includes("\0") ? whole.replaceAll("\0", "") : whole;
}

/** The rows as a JSON array of objects keyed by column (BigInts as strings: the column's type reads them). */
function asJsonRecords(columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    columns.forEach((column, at) => (record[column] = row[at]));
    return record;
  });
  return JSON.stringify(records, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : storable(value)));
}
