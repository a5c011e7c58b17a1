import { z } from "zod";
import { CHANNEL_KINDS, createChannel, createChannelSchema, deleteChannel, getChannel, listChannels, rotateChannelSecret, sendTestAlert, updateChannel, updateChannelSchema } from "../../admin/alert-channels";
import { deliveryFilterSchema, DELIVERY_STATUSES, getDelivery, listDeliveries, publicDelivery, replayDelivery } from "../../admin/alert-deliveries";
import { dateTime, idParams, listAnswer, listOf, pageQuery, route } from "../define";

// Alerts: the operator's channels (e-mail addresses and signed webhooks) and the delivery log.

const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  target: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: dateTime,
  updatedAt: dateTime,
});

const deliverySchema = z.object({
  id: z.string(),
  channelId: z.string().nullable(),
  userId: z.string().nullable(),
  event: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  responseStatus: z.number().int().nullable(),
  replayOf: z.string().nullable(),
  message: z.object({ id: z.string(), type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }),
  createdAt: dateTime,
  deliveredAt: dateTime.nullable(),
});

export const alertRoutes = [
  route({ method: "get", path: "/alert-channels", scope: "read", tag: "Alerts", summary: "Alert channels, newest first (never their secrets)", response: z.object({ data: z.array(channelSchema) }), handler: async () => ({ data: await listChannels() }) }),
  route({
    method: "post",
    path: "/alert-channels",
    scope: "full",
    tag: "Alerts",
    summary: "Create an alert channel (an e-mail address or a webhook URL); a webhook's signing secret is in the answer, once",
    body: createChannelSchema,
    response: z.object({ secret: z.string().nullable(), channel: channelSchema }),
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => createChannel(body, caller.actor),
  }),
  route({ method: "get", path: "/alert-channels/{id}", scope: "read", tag: "Alerts", summary: "One alert channel", params: idParams, response: channelSchema, handler: async ({ params }) => getChannel(params.id) }),
  route({
    method: "patch",
    path: "/alert-channels/{id}",
    scope: "full",
    tag: "Alerts",
    summary: "Turn a channel on or off, or change the event types it receives (none: all)",
    params: idParams,
    body: updateChannelSchema,
    response: channelSchema,
    handler: async ({ params, body, caller }) => updateChannel(params.id, body, caller.actor),
  }),
  route({ method: "delete", path: "/alert-channels/{id}", scope: "full", tag: "Alerts", summary: "Delete a channel and its delivery log", params: idParams, response: channelSchema, handler: async ({ params, caller }) => deleteChannel(params.id, caller.actor) }),
  route({
    method: "post",
    path: "/alert-channels/{id}/rotate-secret",
    scope: "full",
    tag: "Alerts",
    summary: "Give a webhook channel a new signing secret (in the answer, once); the old one stops signing at once",
    params: idParams,
    response: z.object({ secret: z.string(), channel: channelSchema }),
    status: 201,
    idempotent: true,
    handler: async ({ params, caller }) => rotateChannelSecret(params.id, caller.actor),
  }),
  route({
    method: "post",
    path: "/alert-channels/{id}/test",
    scope: "full",
    tag: "Alerts",
    summary: "Send a test alert to a channel; the answer is its delivery, still pending (follow it in the log)",
    params: idParams,
    response: deliverySchema,
    status: 201,
    handler: async ({ params, caller }) => publicDelivery(await sendTestAlert(params.id, caller.actor)),
  }),
  route({
    method: "get",
    path: "/alert-deliveries",
    scope: "read",
    tag: "Alerts",
    summary: "The alert delivery log, newest first",
    query: pageQuery.extend(deliveryFilterSchema.shape),
    response: listOf(deliverySchema),
    handler: async ({ query }) => {
      const { limit, cursor, ...filter } = query;
      const { deliveries, nextCursor } = await listDeliveries(filter, { limit, cursor });
      return listAnswer(deliveries, nextCursor);
    },
  }),
  route({ method: "get", path: "/alert-deliveries/{id}", scope: "read", tag: "Alerts", summary: "One alert delivery", params: idParams, response: deliverySchema, handler: async ({ params }) => getDelivery(params.id) }),
  route({
    method: "post",
    path: "/alert-deliveries/{id}/replay",
    scope: "full",
    tag: "Alerts",
    summary: "Send an alert again, as a new delivery of the same message (same webhook-id) to the same destination",
    params: idParams,
    response: deliverySchema,
    status: 201,
    idempotent: true,
    handler: async ({ params, caller }) => replayDelivery(params.id, caller.actor),
  }),
];
