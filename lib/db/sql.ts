import { databaseKind } from "../env";

/**
 * Positional parameters for a statement whose shape is only known at run time (a multi-row INSERT,
 * an IN list): `$1, $2…` on Postgres, `?` on SQLite, values in the same order.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly postgres = databaseKind() === "postgres";

  add(value: unknown): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}` : "?";
  }

  /** "(p1,p2,…)" — a VALUES row or an IN list. */
  list(values: readonly unknown[]): string {
    return `(${values.map((value) => this.add(value)).join(",")})`;
  }
}
