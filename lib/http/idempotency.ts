import { createHash } from "node:crypto";
import { keyForVersion, masterKey } from "../crypto/master-key";
import { open, seal, type Sealed } from "../crypto/secret-box";
import { db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { ApiError } from "./api-error";

// Idempotency-Key, as Stripe has it, on the admin API's creating and money-moving POSTs and on a
// customer's code redemption: the first request with a key runs, its answer is kept for a day, and a
// retry with the same key and the same request gets that answer again without running anything.
// Answers may hold a secret shown once (a new API key), so they are kept sealed under the master key,
// like provider credentials.

const KEY = /^[\x21-\x7e]{1,255}$/;
const KEPT_MS = 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;
let lastPurge = 0;

export interface Answer {
  status: number;
  body: unknown;
}

const fingerprintOf = (method: string, path: string, body: unknown) => createHash("sha256").update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest("hex");

function replay(row: { id: string; response: string | null; status: number | null }): Answer {
  const sealed = JSON.parse(row.response!) as Sealed;
  const key = keyForVersion(sealed.keyVersion);
  if (!key) throw new ApiError({ status: 409, type: "invalid_request_error", code: "idempotency_key_expired", message: "The answer to this Idempotency-Key can no longer be replayed; check whether the first request took effect." });
  return { status: row.status!, body: JSON.parse(open(sealed, `idempotency:${row.id}`, key)) };
}

/**
 * Runs `work` once per (owner, key): the same key with the same request replays the first answer
 * (`replayed`), with another request it is refused. A failure of ours (5xx) is not kept, so the
 * retry runs again.
 */
export async function onceFor(owner: string, key: string, request: { method: string; path: string; body: unknown }, work: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
  if (!KEY.test(key)) throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_idempotency_key", param: "Idempotency-Key", message: "Idempotency-Key must be 1 to 255 printable ASCII characters." });
  await purgeExpired();
  const fingerprint = fingerprintOf(request.method, request.path, request.body);
  let row;
  try {
    row = await db().idempotencyRecord.create({ data: { owner, key, fingerprint } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seen = await db().idempotencyRecord.findUnique({ where: { owner_key: { owner, key } } });
    if (!seen) throw error;
    if (seen.fingerprint !== fingerprint) {
      throw new ApiError({ status: 422, type: "invalid_request_error", code: "idempotency_key_reused", param: "Idempotency-Key", message: "This Idempotency-Key was used for a different request; use a new key." });
    }
    if (seen.status === null) {
      throw new ApiError({ status: 409, type: "invalid_request_error", code: "idempotency_request_in_progress", message: "A request with this Idempotency-Key is still running; retry in a moment.", headers: { "retry-after": "1" } });
    }
    return { ...replay(seen), replayed: true };
  }
  let answer: Answer;
  try {
    answer = await work();
  } catch (error) {
    // a refusal (4xx) is the answer to this request; anything else may succeed when retried
    if (error instanceof ApiError && error.status < 500) {
      answer = { status: error.status, body: error.toJSON() };
    } else {
      await db().idempotencyRecord.delete({ where: { id: row.id } }).catch(() => undefined);
      throw error;
    }
  }
  const sealed = seal(JSON.stringify(answer.body), `idempotency:${row.id}`, masterKey());
  await db().idempotencyRecord.update({ where: { id: row.id }, data: { status: answer.status, response: JSON.stringify(sealed) } });
  return { ...answer, replayed: false };
}

async function purgeExpired(now = Date.now()): Promise<void> {
  if (now - lastPurge < PURGE_EVERY_MS) return;
  lastPurge = now;
  await db().idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now - KEPT_MS) } } });
}
