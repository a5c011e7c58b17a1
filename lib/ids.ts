import { randomFillSync } from "node:crypto";

// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows keyed by them go in at the
// right edge of their indexes instead of on random pages, so a batch of usage events dirties a few
// index pages rather than one per row and index — SQLite's commit writes every dirty page on the
// server's main thread, and Postgres logs each one.

const pool = Buffer.alloc(16 * 256);
let offset = pool.length;

export function uuidv7(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
