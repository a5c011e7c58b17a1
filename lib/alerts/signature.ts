import { createHmac, randomBytes } from "node:crypto";

// Webhook signatures in the Standard Webhooks scheme (standardwebhooks.com): the secret is
// "whsec_" + base64 key bytes; each request carries webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature "v1,<base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the key bytes>".
// Receivers that use a Standard Webhooks library verify it as it is.

const PREFIX = "whsec_";

export const newWebhookSecret = () => `${PREFIX}${randomBytes(32).toString("base64")}`;

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one signed request; the timestamp is now, so a receiver can refuse stale replays. */
export function signedHeaders(secret: string, id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signatureOf(secret, id, timestamp, body) };
}
