import { db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { sendMail } from "../mail/mailer";
import { settings } from "../settings";
import { queueDelivery } from "./dispatch";
import type { AlertMessage } from "./events";
import { openSecret } from "./secret";
import { signedHeaders } from "./signature";
import { renderMail } from "./templates";

// The alerts.deliver job: one attempt at one delivery. A failed attempt is retried after
// HUB_ALERT_RETRY_BASE_MS, then twice as long each time, up to MAX_ATTEMPTS; after the last one the
// delivery is `failed` with the last error (and can be replayed). The retry is the job re-enqueued
// with a delay rather than the queue's own retries, so the schedule is the same with and without Redis
// and every attempt is counted on the row.

export const MAX_ATTEMPTS = 6;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** an attempt holds its delivery this long: a sweep or a duplicate job finds it taken */
const LEASE_MS = 60_000;

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** The transport's failure in words that name nothing but the receiver's own host. */
function describe(error: unknown, host: string): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer from ${host} within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
  if (e.cause?.code) return `${e.cause.code} reaching ${host}`;
  return `could not reach ${host}`;
}

async function postWebhook(url: string, secret: string, message: AlertMessage, body: string): Promise<Outcome> {
  const target = new URL(url);
  // the URL is the operator's; still, only http(s) is ever fetched
  if (target.protocol !== "http:" && target.protocol !== "https:") return { ok: false, status: null, error: "the webhook URL is not http(s)" };
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": "AIGNE-Hub-Alerts/1", ...signedHeaders(secret, message.id, body) },
      // a redirect could send the signed body somewhere the operator never named
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, status: null, error: describe(error, target.host) };
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, error: null };
  const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
  return { ok: false, status: response.status, error: `${target.host} answered HTTP ${response.status}${redirect}` };
}

async function mail(to: string, message: AlertMessage): Promise<Outcome> {
  try {
    await sendMail({ to, ...renderMail(message, (await settings()).brandName) });
    return { ok: true, status: null, error: null };
  } catch (error) {
    // nodemailer's messages name the SMTP server and its answer, never the message
    return { ok: false, status: null, error: `mail not sent: ${(error as Error).message.split("\n")[0]}` };
  }
}

type Row = NonNullable<Awaited<ReturnType<typeof load>>>;
const load = (id: string) =>
  db().alertDelivery.findUnique({ where: { id }, include: { channel: true, user: { select: { email: true, alertEmail: true } } } });

function send(row: Row): Promise<Outcome> {
  const message = JSON.parse(row.payload) as AlertMessage;
  if (row.user) return mail(row.user.alertEmail ?? row.user.email, message);
  if (row.channel?.kind === "email") return mail(row.channel.target, message);
  if (row.channel?.kind === "webhook") {
    const secret = openSecret(row.channel);
    if (!secret) return Promise.resolve({ ok: false, status: null, error: "the channel has no signing secret" });
    return postWebhook(row.channel.target, secret, message, row.payload);
  }
  return Promise.resolve({ ok: false, status: null, error: "the delivery has no destination" });
}

/** Makes one attempt at a delivery, if it is pending and due. Returns its status afterwards. */
export async function deliver(deliveryId: string): Promise<string | null> {
  const now = Date.now();
  // claimed atomically: however many jobs and sweeps point at it, one attempt runs at a time
  const claimed = await db().alertDelivery.updateMany({
    where: { id: deliveryId, status: "pending", nextAttemptAt: { lte: new Date(now) } },
    data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now + LEASE_MS) },
  });
  if (!claimed.count) return null;
  const row = await load(deliveryId);
  if (!row) return null;
  const outcome = await send(row);
  if (outcome.ok) {
    await db().alertDelivery.update({ where: { id: row.id }, data: { status: "delivered", deliveredAt: new Date(), lastError: null, responseStatus: outcome.status } });
    return "delivered";
  }
  const last = row.attempts >= MAX_ATTEMPTS;
  const delay = env().HUB_ALERT_RETRY_BASE_MS * 2 ** (row.attempts - 1);
  await db().alertDelivery.update({
    where: { id: row.id },
    data: { status: last ? "failed" : "pending", lastError: outcome.error, responseStatus: outcome.status, nextAttemptAt: new Date(Date.now() + (last ? 0 : delay)) },
  });
  log.warn({ delivery: row.id, event: row.event, attempt: row.attempts, err: outcome.error }, last ? "alert delivery failed for good" : "alert delivery failed; will retry");
  if (!last) await queueDelivery(row.id, delay);
  return last ? "failed" : "pending";
}

/**
 * Queues the pending deliveries that are due and that no job holds: those made by another process
 * (the CLI) and those whose retry was lost with a restarted process's in-memory queue.
 */
export async function sweepDeliveries(): Promise<number> {
  const due = await db().alertDelivery.findMany({ where: { status: "pending", nextAttemptAt: { lte: new Date() } }, select: { id: true }, orderBy: { nextAttemptAt: "asc" }, take: 500 });
  for (const { id } of due) await queueDelivery(id);
  return due.length;
}
