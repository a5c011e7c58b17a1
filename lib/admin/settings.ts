import { transaction } from "../db/transaction";
import { settings, storedSettingsSchema, writeSetting, type SettingKey, type StoredSettings } from "../settings";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

/** "on"/"true" and "off"/"false" as a boolean; anything else is left for the schema to refuse. */
const onOff = (raw: string): unknown => ({ on: true, true: true, off: false, false: false })[raw.toLowerCase()] ?? raw;

// CLI names of the settings (kebab-case) and how a string from the command line becomes a value.
const whole = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : raw);
const days = (raw: string) => (raw === "" || raw === "none" || raw === "never" ? null : whole(raw));
/** Redact patterns one per line (a regex may contain commas or spaces, never a line break); blank lines are skipped. */
export const redactPatternLines = (raw: string): string[] =>
  raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
const SETTINGS: Record<string, { key: SettingKey; parse: (raw: string) => unknown }> = {
  mode: { key: "mode", parse: (raw) => raw },
  "credit-price-usd": { key: "creditPriceUsd", parse: (raw) => raw },
  "starter-credits": { key: "starterCredits", parse: (raw) => raw },
  "top-up-url": { key: "topUpUrl", parse: (raw) => (raw === "" || raw === "none" ? null : raw) },
  currency: { key: "currency", parse: (raw) => raw.toLowerCase() },
  "sign-up": { key: "signUpEnabled", parse: onOff },
  "brand-name": { key: "brandName", parse: (raw) => raw },
  "brand-logo-url": { key: "brandLogoUrl", parse: (raw) => (raw === "" || raw === "none" ? null : raw) },
  "direct-model-routing": { key: "directModelRouting", parse: (raw) => raw.toLowerCase() },
  "alert-low-balance-credits": { key: "alertLowBalanceCredits", parse: (raw) => (raw === "" || raw === "none" ? null : raw) },
  "alert-spend-spike-factor": { key: "alertSpendSpikeFactor", parse: (raw) => (raw === "" || raw === "none" ? null : /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) },
  "alert-spend-spike-floor-usd": { key: "alertSpendSpikeFloorUsd", parse: (raw) => raw },
  "starter-credit-expiry-days": { key: "starterCreditExpiryDays", parse: days },
  "paid-credit-expiry-days": { key: "paidCreditExpiryDays", parse: days },
  "checkout-promotion-codes": { key: "checkoutPromotionCodes", parse: onOff },
  "auto-recharge-max-per-day": { key: "autoRechargeMaxPerDay", parse: whole },
  "auto-recharge-max-failures": { key: "autoRechargeMaxFailures", parse: whole },
  "price-source-url": { key: "priceSourceUrl", parse: (raw) => (raw === "" || raw === "none" ? null : raw) },
  "refuse-below-cost": { key: "refuseBelowCost", parse: onOff },
  "response-cache": { key: "responseCacheEnabled", parse: onOff },
  "response-cache-shared": { key: "responseCacheShared", parse: onOff },
  "response-cache-ttl-seconds": { key: "responseCacheTtlSeconds", parse: whole },
  "response-cache-billed-fraction": { key: "responseCacheBilledFraction", parse: (raw) => (/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) },
  "response-cache-max-entry-bytes": { key: "responseCacheMaxEntryBytes", parse: whole },
  "request-logging": { key: "requestLogging", parse: (raw) => raw.toLowerCase() },
  "log-redact-patterns": { key: "logRedactPatterns", parse: redactPatternLines },
  "log-bodies-retention-days": { key: "logBodiesRetentionDays", parse: whole },
  "log-metadata-retention-days": { key: "logMetadataRetentionDays", parse: days },
};

const CHOICES: Partial<Record<SettingKey, string>> = { mode: "enterprise or service_provider", directModelRouting: "auto, on or off", requestLogging: "off, metadata or bodies" };

export const SETTING_NAMES = Object.keys(SETTINGS);

export async function setSetting(name: string, raw: string, actor: Actor): Promise<StoredSettings> {
  const setting = SETTINGS[name];
  if (!setting) throw new AdminError(`unknown setting "${name}" (settings: ${SETTING_NAMES.join(", ")})`);
  const parsed = storedSettingsSchema.shape[setting.key].safeParse(setting.parse(raw));
  if (!parsed.success) throw new AdminError(`${name} ${parsed.error.issues[0]?.message ?? "is not valid"}${CHOICES[setting.key] ? ` (${CHOICES[setting.key]})` : ""}`);
  const before = (await currentSettings())[setting.key];
  await transaction(async (tx) => {
    await writeSetting(tx, setting.key, parsed.data as never);
    await audit(tx, actor, `settings.${setting.key}`, null, { value: parsed.data }, { before: { [setting.key]: before }, after: { [setting.key]: parsed.data } });
  });
  return currentSettings();
}

export async function currentSettings(): Promise<StoredSettings> {
  const { creditPriceNanoUsd: _price, starterMicrocredits: _starter, directRouting: _direct, alertLowBalanceMicrocredits: _low, alertSpendSpikeFloorNanoUsd: _floor, ...stored } = await settings();
  return stored;
}

export async function setMode(mode: string, actor: Actor) {
  if (!storedSettingsSchema.shape.mode.safeParse(mode).success) throw new AdminError("mode must be one of: enterprise, service_provider");
  return (await setSetting("mode", mode, actor)).mode;
}
