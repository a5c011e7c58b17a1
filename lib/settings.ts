import { z } from "zod";
import { bumpConfigVersion, ConfigCache } from "./config/change-feed";
import { db, type Tx } from "./db/client";
import { processSingleton } from "./singleton";

// Operator settings, stored as JSON values in Setting rows and validated here.

export const MODES = ["enterprise", "service_provider"] as const;
export type Mode = (typeof MODES)[number];

const settingsSchema = z.object({
  mode: z.enum(MODES).catch("enterprise"),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

async function load(): Promise<Settings> {
  const rows = await db().setting.findMany();
  const raw = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  return settingsSchema.parse(raw);
}

const cache = processSingleton("settings-cache", () => new ConfigCache<"settings", Settings>(load, { ttlMs: 60_000, maxEntries: 1 }));

export function settings(): Promise<Settings> {
  return cache.get("settings");
}

export async function writeSetting<K extends SettingKey>(tx: Tx, key: K, value: Settings[K]): Promise<void> {
  const json = JSON.stringify(value);
  await tx.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  await bumpConfigVersion(tx);
}
