import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../fakes/webhook-receiver";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Alerts in the production shape: the hub enqueues on BullMQ (Redis) and the worker process delivers,
// retries on BullMQ's delay, and marks a delivery failed after the last attempt; a replay goes the
// same way.

const MAX_ATTEMPTS = 6;

let f: HubFixture;
let receiver: WebhookReceiver;
let token: string;

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${f.hub.url}/api/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const settled = (id: string) =>
  eventually(async () => {
    const row = await f.db.alertDelivery.findUniqueOrThrow({ where: { id } });
    if (row.status === "pending") throw new Error(`delivery ${id} is still pending after ${row.attempts} attempts`);
    return row;
  }, 30_000, 100);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  f = await startHubFixture({ redis: true, env: { HUB_ALERT_RETRY_BASE_MS: "50" } });
  const { createAdminToken } = await import("@/lib/admin/tokens");
  token = (await createAdminToken({ name: "alerts on redis", scope: "full" }, "test")).secret;
}, 120_000);

afterAll(async () => {
  await f?.close();
  await receiver?.close();
});

describe("alerts through BullMQ and the worker", () => {
  it("retries a refused webhook on the queue's delay, marks it failed, and delivers its replay", async () => {
    const channel = await api("POST", "/alert-channels", { name: "queued hook", kind: "webhook", target: receiver.url });
    expect(channel.status).toBe(201);
    receiver.secret = channel.body.secret;

    receiver.status = 500;
    const test = await api("POST", `/alert-channels/${channel.body.channel.id}/test`);
    expect(test.status, JSON.stringify(test.body)).toBe(201);
    const failed = (await settled(test.body.id)).value;
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, responseStatus: 500 });
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    // each retry waited at least the backoff before it (50, 100, 200, 400, 800 ms)
    const times = receiver.received.map((m) => m.receivedAt);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(50 * 2 ** (i - 1) - 5);

    receiver.status = 200;
    const replay = await api("POST", `/alert-deliveries/${test.body.id}/replay`);
    expect(replay.status).toBe(201);
    expect((await settled(replay.body.id)).value).toMatchObject({ status: "delivered", attempts: 1, responseStatus: 200 });
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS + 1);
    expect(receiver.received.at(-1)!.webhookId).toBe(receiver.received[0]!.webhookId);
    expect(receiver.refused).toBe(0);
  });
});
