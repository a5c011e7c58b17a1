import { changeFeed, didBumpConfig } from "./change-feed";
import { db, type Tx } from "./client";

// An interactive transaction that survives contention. On SQLite, a transaction that read before it
// writes fails at once (SQLITE_BUSY, surfaced by Prisma as P1008 "Operation has timed out") when
// another process — the server writing usage — committed in between; on Postgres a serialization
// conflict (P2034) is the equivalent. Both are safe to run again from the start.

const RETRYABLE = new Set(["P1008", "P2034"]);
const ATTEMPTS = 6;

function retryable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return RETRYABLE.has(e?.code ?? "") || /database is locked|SQLITE_BUSY/i.test(e?.message ?? "");
}

export async function transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      let changedConfig = false;
      const result = await db().$transaction(async (tx) => {
        const value = await work(tx);
        changedConfig = didBumpConfig(tx);
        return value;
      });
      if (changedConfig) changeFeed.invalidate();
      return result;
    } catch (error) {
      if (attempt >= ATTEMPTS || !retryable(error)) throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}
