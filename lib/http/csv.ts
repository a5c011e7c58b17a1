import { stringify } from "csv-stringify";
import { Readable, pipeline } from "node:stream";

/**
 * Rows as a streamed CSV body (constant memory, any length). Cells may hold text tenants chose: a
 * cell starting with = + - @ tab or CR is prefixed with ' so a spreadsheet shows it rather than
 * running it as a formula (OWASP "CSV injection"); dates are ISO, objects JSON.
 */
export function csvBody(rows: AsyncIterable<object>, columns: readonly string[]): ReadableStream<Uint8Array> {
  const csv = stringify({
    header: true,
    columns: [...columns],
    escape_formulas: true,
    // a lone CR ends a row for some spreadsheets: quote it like a newline
    quoted_match: /\r/,
    cast: { date: (value) => value.toISOString(), object: (value) => JSON.stringify(value) },
  });
  // a failed read destroys the CSV stream, which errors the response body rather than truncating silently
  pipeline(Readable.from(rows), csv, () => undefined);
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}
