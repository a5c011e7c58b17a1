"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { CHANNEL_KINDS, createChannel, deleteChannel, sendTestAlert, updateChannel } from "@/lib/admin/alert-channels";
import { replayDelivery } from "@/lib/admin/alert-deliveries";
import { setSetting } from "@/lib/admin/settings";
import { ALERT_EVENTS } from "@/lib/alerts/events";
import { adminAction, translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Answers in the reader's language (messages/*/adminOps.json, "alerts.actions"); the two forms' schemas are
// built per request so their field errors can be translated too.

const actionsT = () => getTranslations("adminOps.alerts.actions");
type ActionsT = Translator<"adminOps.alerts.actions">;

const events = z
  .union([z.enum(ALERT_EVENTS), z.array(z.enum(ALERT_EVENTS))])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const channelSchema = (t: ActionsT) =>
  z.object({ name: z.string().trim().min(1, t("nameRequired")).max(100), kind: z.enum(CHANNEL_KINDS), target: z.string().trim().min(1, t("targetRequired")).max(2048), events });

export const createChannelAction = translatedAdminAction("adminOps.alerts.actions", async (t) => channelSchema(t), async (input, admin, t) => {
  const { secret, channel } = await createChannel(input, admin.email);
  const ok = t("added", { name: channel.name });
  return secret ? { ok, secret } : ok;
});

export const channelEnabledAction = adminAction(z.object({ id: z.string().min(1), enabled: z.enum(["true", "false"]) }), async ({ id, enabled }, admin) => {
  const channel = await updateChannel(id, { enabled: enabled === "true" }, admin.email);
  const t = await actionsT();
  return channel.enabled ? t("turnedOn", { name: channel.name }) : t("turnedOff", { name: channel.name });
});

export const deleteChannelAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const channel = await deleteChannel(id, admin.email);
  return (await actionsT())("removed", { name: channel.name });
});

export const testChannelAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  await sendTestAlert(id, admin.email);
  return (await actionsT())("testSent");
});

export const replayDeliveryAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  await replayDelivery(id, admin.email);
  return (await actionsT())("replayed");
});

const thresholdsSchema = (t: ActionsT) =>
  z.object({
    lowBalanceCredits: z.string().trim().regex(/^(\d+(\.\d{1,6})?)?$/, t("lowBalanceInvalid")).optional(),
    spikeFactor: z.string().trim().regex(/^(\d+(\.\d+)?)?$/, t("spikeFactorInvalid")).optional(),
    spikeFloorUsd: z.string().trim().regex(/^\d+(\.\d+)?$/, t("spikeFloorInvalid")),
  });

export const alertThresholdsAction = translatedAdminAction("adminOps.alerts.actions", async (t) => thresholdsSchema(t), async (input, admin, t) => {
  await setSetting("alert-low-balance-credits", input.lowBalanceCredits || "none", admin.email);
  await setSetting("alert-spend-spike-factor", input.spikeFactor || "none", admin.email);
  await setSetting("alert-spend-spike-floor-usd", input.spikeFloorUsd, admin.email);
  return t("saved");
});
