import { z } from "zod";
import { queueDelivery } from "../alerts/dispatch";
import { ALERT_EVENTS, messageOf, type AlertEvent } from "../alerts/events";
import { sealSecret } from "../alerts/secret";
import { newWebhookSecret } from "../alerts/signature";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { uuidv7 } from "../ids";
import { audit, type Actor } from "./audit";
import { AdminError, parseInput as parse } from "./errors";

// The operator's alert channels: an e-mail address or a signed webhook, each receiving the event
// types it subscribes to (none listed: all). A webhook's signing secret is made here, answered once
// (on creation and on rotation) and otherwise only ever opened to sign (lib/alerts/deliver.ts).

export const CHANNEL_KINDS = ["email", "webhook"] as const;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const eventsSchema = z.array(z.enum(ALERT_EVENTS)).max(ALERT_EVENTS.length);

export const createChannelSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(CHANNEL_KINDS),
    /** an e-mail address, or the webhook's http(s) URL */
    target: z.string().trim().min(1).max(2048),
    events: eventsSchema.default([]),
  })
  .superRefine((input, ctx) => {
    if (input.kind === "email" && !EMAIL.test(input.target)) ctx.addIssue({ code: "custom", path: ["target"], message: "must be an e-mail address" });
    if (input.kind === "webhook") {
      const url = URL.canParse(input.target) ? new URL(input.target) : null;
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) ctx.addIssue({ code: "custom", path: ["target"], message: "must be an http(s) URL" });
      else if (url.username || url.password) ctx.addIssue({ code: "custom", path: ["target"], message: "must not carry a user or password (the body is signed instead)" });
    }
  });
export type CreateChannelInput = z.input<typeof createChannelSchema>;

export const updateChannelSchema = z.object({ enabled: z.boolean().optional(), events: eventsSchema.optional() }).refine((b) => b.enabled !== undefined || b.events !== undefined, "give enabled or events");
export type UpdateChannelInput = z.input<typeof updateChannelSchema>;

type ChannelRow = { id: string; name: string; kind: string; target: string; events: string; enabled: boolean; createdAt: Date; updatedAt: Date };

/** A channel as shown and answered: never its secret. */
export const publicChannel = (row: ChannelRow) => ({
  id: row.id,
  name: row.name,
  kind: row.kind as (typeof CHANNEL_KINDS)[number],
  target: row.target,
  events: JSON.parse(row.events) as string[],
  enabled: row.enabled,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});
export type PublicChannel = ReturnType<typeof publicChannel>;

async function channelById(tx: Tx, id: string) {
  const channel = await tx.alertChannel.findUnique({ where: { id } });
  if (!channel) throw new AdminError(`no alert channel ${id}`, "not_found");
  return channel;
}

/** Creates a channel; a webhook's signing secret is in the answer, this once. */
export async function createChannel(input: CreateChannelInput, actor: Actor): Promise<{ secret: string | null; channel: PublicChannel }> {
  const { name, kind, target, events } = parse(createChannelSchema, input, "alert channel");
  const id = uuidv7();
  const secret = kind === "webhook" ? newWebhookSecret() : null;
  const row = await transaction(async (tx) => {
    if (await tx.alertChannel.findUnique({ where: { name } })) throw new AdminError(`an alert channel named ${name} already exists`, "conflict");
    const created = await tx.alertChannel.create({ data: { id, name, kind, target, events: JSON.stringify(events), ...(secret ? sealSecret(id, secret) : {}) } });
    await audit(tx, actor, "alert_channel.create", id, { name, kind, events }, { after: publicChannel(created) });
    return created;
  });
  return { secret, channel: publicChannel(row) };
}

export async function listChannels(): Promise<PublicChannel[]> {
  return (await db().alertChannel.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map(publicChannel);
}

export async function getChannel(id: string): Promise<PublicChannel> {
  return publicChannel(await channelById(db(), id));
}

/** Turns a channel on or off and changes what it subscribes to. */
export async function updateChannel(id: string, input: UpdateChannelInput, actor: Actor): Promise<PublicChannel> {
  const { enabled, events } = parse(updateChannelSchema, input, "alert channel");
  return transaction(async (tx) => {
    const before = publicChannel(await channelById(tx, id));
    const updated = publicChannel(await tx.alertChannel.update({ where: { id }, data: { ...(enabled !== undefined ? { enabled } : {}), ...(events ? { events: JSON.stringify(events) } : {}) } }));
    await audit(tx, actor, "alert_channel.update", id, { name: before.name, enabled: updated.enabled, events: updated.events }, { before: { enabled: before.enabled, events: before.events }, after: { enabled: updated.enabled, events: updated.events } });
    return updated;
  });
}

/** Deletes a channel and its delivery log. */
export async function deleteChannel(id: string, actor: Actor): Promise<PublicChannel> {
  return transaction(async (tx) => {
    const channel = publicChannel(await channelById(tx, id));
    await tx.alertChannel.delete({ where: { id } });
    await audit(tx, actor, "alert_channel.delete", id, { name: channel.name }, { before: channel });
    return channel;
  });
}

/** A new signing secret for a webhook channel (answered once); the old one stops signing at once. */
export async function rotateChannelSecret(id: string, actor: Actor): Promise<{ secret: string; channel: PublicChannel }> {
  const secret = newWebhookSecret();
  const row = await transaction(async (tx) => {
    const channel = await channelById(tx, id);
    if (channel.kind !== "webhook") throw new AdminError(`alert channel ${channel.name} is an e-mail channel; only webhooks have a secret`);
    const updated = await tx.alertChannel.update({ where: { id }, data: sealSecret(id, secret) });
    await audit(tx, actor, "alert_channel.rotate_secret", id, { name: channel.name });
    return updated;
  });
  return { secret, channel: publicChannel(row) };
}

/** Sends a "test" alert to a channel (enabled or not) through the same path as real ones. */
export async function sendTestAlert(id: string, actor: Actor) {
  const delivery = await transaction(async (tx) => {
    const channel = await channelById(tx, id);
    const eventId = uuidv7();
    const event: AlertEvent<"test"> = { id: eventId, type: "test", dedupKey: eventId, at: new Date().toISOString(), data: { channel: channel.name } };
    const created = await tx.alertDelivery.create({ data: { id: uuidv7(), channelId: id, event: "test", payload: JSON.stringify(messageOf(event)) } });
    await audit(tx, actor, "alert_channel.test", id, { name: channel.name, delivery: created.id });
    return created;
  });
  await queueDelivery(delivery.id);
  return delivery;
}
