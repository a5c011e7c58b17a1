// A webhook receiver on loopback that verifies Standard Webhooks signatures as a customer's server
// would, with nothing of the hub's code: HMAC-SHA256 under the base64 key after "whsec_" over
// `${webhook-id}.${webhook-timestamp}.${raw body}`, a timestamp within five minutes, and any of the
// space-separated "v1,<base64>" signatures matching. Unsigned, mis-signed or stale requests get 401.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface VerifiedMessage {
  webhookId: string;
  /** when it arrived here (ms), to see the sender's backoff */
  receivedAt: number;
  timestamp: number;
  body: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  /** the channel's signing secret, as the hub answered it on creation */
  secret: string | null;
  /** what a verified request is answered (500 plays a receiver that is down) */
  status: number;
  /** verified requests, in order (retries included) */
  received: VerifiedMessage[];
  /** requests refused for their signature or timestamp */
  refused: number;
  close(): Promise<void>;
}

const TOLERANCE_S = 300;

export function verify(secret: string, headers: http.IncomingHttpHeaders, raw: string, now = Date.now()): boolean {
  const id = headers["webhook-id"];
  const timestamp = Number(headers["webhook-timestamp"]);
  const signatures = String(headers["webhook-signature"] ?? "").split(" ");
  if (typeof id !== "string" || !Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > TOLERANCE_S) return false;
  const expected = createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64")).update(`${id}.${timestamp}.${raw}`).digest();
  return signatures.some((s) => {
    const [version, value] = s.split(",");
    const given = Buffer.from(value ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, "url" | "close"> = { secret: null, status: 200, received: [], refused: 0 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (!receiver.secret || !verify(receiver.secret, req.headers, raw)) {
      receiver.refused++;
      res.writeHead(401).end("bad signature");
      return;
    }
    receiver.received.push({ webhookId: String(req.headers["webhook-id"]), receivedAt: Date.now(), timestamp: Number(req.headers["webhook-timestamp"]), body: JSON.parse(raw) as VerifiedMessage["body"] });
    res.writeHead(receiver.status, { "content-type": "application/json" }).end(receiver.status < 300 ? '{"ok":true}' : '{"error":"down"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/hub`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as WebhookReceiver;
}
