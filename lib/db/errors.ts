// Telling "the database cannot be reached" apart from other failures, so callers get a 503 to retry
// rather than a 500. Prisma reports it in several shapes depending on the driver adapter and the
// moment (connecting, mid-query), so the whole cause chain is inspected.

const UNREACHABLE_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|DatabaseNotReachable|ConnectionClosed|SocketTimeout|Client has encountered a connection error/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const e = current as { name?: string; code?: string; kind?: string; message?: string; cause?: unknown };
    if (e.name === "PrismaClientInitializationError") return true;
    if ((e.code && UNREACHABLE_CODES.has(e.code)) || (e.kind && UNREACHABLE_TEXT.test(e.kind))) return true;
    if (e.message && UNREACHABLE_TEXT.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}

/** A unique constraint refused the write: someone else created the same thing first. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: string } | null)?.code === "P2002";
