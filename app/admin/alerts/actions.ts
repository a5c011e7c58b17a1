"use server";

import { z } from "zod";
import { CHANNEL_KINDS, createChannel, deleteChannel, sendTestAlert, updateChannel } from "@/lib/admin/alert-channels";
import { replayDelivery } from "@/lib/admin/alert-deliveries";
import { setSetting } from "@/lib/admin/settings";
import { ALERT_EVENTS } from "@/lib/alerts/events";
import { adminAction } from "@/lib/ui/admin-action";

const events = z
  .union([z.enum(ALERT_EVENTS), z.array(z.enum(ALERT_EVENTS))])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const createChannelAction = adminAction(
  z.object({ name: z.string().trim().min(1, "Give the channel a name").max(100), kind: z.enum(CHANNEL_KINDS), target: z.string().trim().min(1, "Where should alerts go?").max(2048), events }),
  async (input, admin) => {
    const { secret, channel } = await createChannel(input, admin.email);
    return secret ? { ok: `Added ${channel.name}`, secret } : `Added ${channel.name}`;
  },
);

export const channelEnabledAction = adminAction(z.object({ id: z.string().min(1), enabled: z.enum(["true", "false"]) }), async ({ id, enabled }, admin) => {
  const channel = await updateChannel(id, { enabled: enabled === "true" }, admin.email);
  return `${channel.name} ${channel.enabled ? "on" : "off"}`;
});

export const deleteChannelAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const channel = await deleteChannel(id, admin.email);
  return `Removed ${channel.name}`;
});

export const testChannelAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  await sendTestAlert(id, admin.email);
  return "Test alert sent: see its delivery below";
});

export const replayDeliveryAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  await replayDelivery(id, admin.email);
  return "Sent again: see the new delivery below";
});

export const alertThresholdsAction = adminAction(
  z.object({
    lowBalanceCredits: z.string().trim().regex(/^(\d+(\.\d{1,6})?)?$/, "A number of credits, or empty for off").optional(),
    spikeFactor: z.string().trim().regex(/^(\d+(\.\d+)?)?$/, "A factor like 3, or empty for off").optional(),
    spikeFloorUsd: z.string().trim().regex(/^\d+(\.\d+)?$/, "A USD amount like 10"),
  }),
  async (input, admin) => {
    await setSetting("alert-low-balance-credits", input.lowBalanceCredits || "none", admin.email);
    await setSetting("alert-spend-spike-factor", input.spikeFactor || "none", admin.email);
    await setSetting("alert-spend-spike-floor-usd", input.spikeFloorUsd, admin.email);
    return "Saved";
  },
);
