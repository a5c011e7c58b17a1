import { z } from "zod";
import { queueDelivery } from "../alerts/dispatch";
import { ALERT_EVENTS } from "../alerts/events";
import { db } from "../db/client";
import { pageArgs, pageOf } from "../db/page";
import { transaction } from "../db/transaction";
import { uuidv7 } from "../ids";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// The alerts' delivery log: every alert sent (or being sent) to a channel or a customer, its attempts
// and its last error, newest first; any of them can be sent again (a replay: a new delivery of the
// same message — the same webhook-id, so a receiver can tell — to the same destination).

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export const deliveryFilterSchema = z.object({
  channelId: z.string().max(128).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  event: z.enum([...ALERT_EVENTS, "test"]).optional(),
});
export type DeliveryFilter = z.input<typeof deliveryFilterSchema>;

type DeliveryRow = {
  id: string;
  channelId: string | null;
  userId: string | null;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  lastError: string | null;
  responseStatus: number | null;
  replayOf: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
};

export const publicDelivery = (row: DeliveryRow) => ({
  id: row.id,
  channelId: row.channelId,
  userId: row.userId,
  event: row.event,
  status: row.status as (typeof DELIVERY_STATUSES)[number],
  attempts: row.attempts,
  lastError: row.lastError,
  responseStatus: row.responseStatus,
  replayOf: row.replayOf,
  message: JSON.parse(row.payload) as { id: string; type: string; timestamp: string; data: Record<string, unknown> },
  createdAt: row.createdAt,
  deliveredAt: row.deliveredAt,
});
export type PublicDelivery = ReturnType<typeof publicDelivery>;

/** One page of the log, newest first; `nextCursor` (the last row's id) asks for the page after. */
export async function listDeliveries(filter: DeliveryFilter, page: { limit: number; cursor?: string }) {
  const parsed = deliveryFilterSchema.safeParse(filter);
  if (!parsed.success) throw new AdminError(`deliveries: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
  const { channelId, status, event } = parsed.data;
  const rows = await db().alertDelivery.findMany({
    where: { ...(channelId ? { channelId } : {}), ...(status ? { status } : {}), ...(event ? { event } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...pageArgs(page),
  });
  const { rows: shown, nextCursor } = pageOf(rows, page.limit);
  return { deliveries: shown.map(publicDelivery), nextCursor };
}

export async function getDelivery(id: string): Promise<PublicDelivery> {
  const row = await db().alertDelivery.findUnique({ where: { id } });
  if (!row) throw new AdminError(`no alert delivery ${id}`, "not_found");
  return publicDelivery(row);
}

/** Sends an alert again, as a new delivery to the same destination. */
export async function replayDelivery(id: string, actor: Actor): Promise<PublicDelivery> {
  const replay = await transaction(async (tx) => {
    const original = await tx.alertDelivery.findUnique({ where: { id } });
    if (!original) throw new AdminError(`no alert delivery ${id}`, "not_found");
    const created = await tx.alertDelivery.create({
      data: { id: uuidv7(), channelId: original.channelId, userId: original.userId, event: original.event, payload: original.payload, replayOf: original.id },
    });
    await audit(tx, actor, "alert_delivery.replay", created.id, { replayOf: original.id, event: original.event, channelId: original.channelId, userId: original.userId });
    return created;
  });
  await queueDelivery(replay.id);
  return publicDelivery(replay);
}
