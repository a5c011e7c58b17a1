import { db } from "../db/client";
import { SqlParams } from "../db/sql";
import { uuidv7 } from "../ids";
import { jobs } from "../jobs";
import { messageOf, type AlertEvent } from "./events";

// The alerts.dispatch job: an event becomes one delivery per destination — every enabled channel
// that subscribes to its type, or, for a customer's own alert, that customer — and each new delivery
// is handed to the alerts.deliver job. A delivery whose (destination, dedupKey) exists already is not
// made again: the same threshold crossing, noticed twice, alerts once.

export const DELIVER_JOB = "alerts.deliver";

/** Whether a channel subscribed to `events` (a JSON array; empty: all) takes this type. */
export function subscribes(events: string, type: string): boolean {
  const list = JSON.parse(events) as string[];
  return type === "test" || list.length === 0 || list.includes(type);
}

export const queueDelivery = (deliveryId: string, delayMs = 0) => jobs.enqueue(DELIVER_JOB, { deliveryId }, { delayMs });

export async function dispatch(event: AlertEvent): Promise<string[]> {
  const destinations = event.userId
    ? [{ channelId: null, userId: event.userId }]
    : (await db().alertChannel.findMany({ where: { enabled: true }, select: { id: true, events: true } })).filter((c) => subscribes(c.events, event.type)).map((c) => ({ channelId: c.id, userId: null }));
  if (!destinations.length) return [];
  const now = new Date();
  const payload = JSON.stringify(messageOf(event));
  const params = new SqlParams();
  const rows = destinations.map((d) => params.list([uuidv7(), d.channelId, d.userId, event.type, event.dedupKey, payload, "pending", 0, now, now]));
  const created = await db().$queryRawUnsafe<Array<{ id: string }>>(
    `INSERT INTO "AlertDelivery" ("id", "channelId", "userId", "event", "dedupKey", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
     VALUES ${rows.join(",")} ON CONFLICT DO NOTHING RETURNING "id"`,
    ...params.values,
  );
  for (const { id } of created) await queueDelivery(id);
  return created.map((r) => r.id);
}
