import { z } from "zod";
import { parseCredits, parseUsd } from "./money";
import { bumpConfigVersion, ConfigCache } from "./db/change-feed";
import { db, type Tx } from "./db/client";
import { processSingleton } from "./singleton";

// Operator settings, stored as JSON values in Setting rows (money as decimal strings) and
// validated here into what the code uses (money as integers).

export const MODES = ["enterprise", "service_provider"] as const;
export type Mode = (typeof MODES)[number];

/** Whether "<provider>/<upstream-model>" names reach a provider directly; "auto": on in Enterprise mode, off in Service Provider mode. */
export const DIRECT_ROUTING = ["auto", "on", "off"] as const;

/** How much of a call is kept: nothing but the ledger row, its metadata (the default), or its bodies too. */
export const REQUEST_LOG_LEVELS = ["off", "metadata", "bodies"] as const;
export type RequestLogLevel = (typeof REQUEST_LOG_LEVELS)[number];

const decimal = (parse: (s: string) => bigint) =>
  z.string().refine((s) => {
    try {
      parse(s);
      return true;
    } catch {
      return false;
    }
  }, "must be a non-negative decimal number");

// Operator regexes redacted from logged bodies: checked here so a bad or catastrophic one is refused when saved.
const MAX_REDACT_PATTERNS = 50;
const MAX_REDACT_PATTERN_LENGTH = 200;
// a quantified group that is itself quantified, e.g. (a+)+ or (\w*)*: the classic catastrophic shape
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

function patternProblem(pattern: string): string | null {
  if (NESTED_QUANTIFIER.test(pattern)) return "nests a repeated group inside a repetition (catastrophic backtracking)";
  try {
    new RegExp(pattern, "g");
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export const redactPatternsSchema = z
  .array(z.string().min(1).max(MAX_REDACT_PATTERN_LENGTH))
  .max(MAX_REDACT_PATTERNS)
  .superRefine((patterns, ctx) => {
    patterns.forEach((pattern, index) => {
      const problem = patternProblem(pattern);
      if (problem) ctx.addIssue({ code: "custom", path: [index], message: `"${pattern}" is not a usable regex: ${problem}` });
    });
  });

/** What is stored: the Setting rows, one per key. */
export const storedSettingsSchema = z.object({
  mode: z.enum(MODES),
  /** USD per credit, e.g. "0.000001" (1 credit = $0.000001) */
  creditPriceUsd: decimal(parseUsd).refine((s) => parseUsd(s) > 0n, "must be greater than zero"),
  /** credits granted once to each user created in service_provider mode */
  starterCredits: decimal(parseCredits),
  /** where a customer buys credits; the 402 answer links to it */
  topUpUrl: z.url().nullable(),
  /** ISO currency of Stripe top-ups */
  currency: z.string().regex(/^[a-z]{3}$/),
  /** whether anyone may create an account at /sign-up (only honoured in service_provider mode) */
  signUpEnabled: z.boolean(),
  /** branding of the web UI */
  brandName: z.string().trim().min(1).max(60),
  brandLogoUrl: z.url().nullable(),
  /**
   * direct "<provider>/<upstream-model>" calls; "auto" follows the mode, so a hub switched to selling
   * credits stops letting customers pick any model a shared provider key can reach
   */
  directModelRouting: z.enum(DIRECT_ROUTING),
  /** the operator's low-balance alert: any customer account falling below this many credits (null: off) */
  alertLowBalanceCredits: decimal(parseCredits).nullable(),
  /** a spend spike: a user's spend today above this many times their mean day of the 7 before (null: off) … */
  alertSpendSpikeFactor: z.number().min(1).max(1000).nullable(),
  /** … and above this many USD, so a quiet user's first busy day is not a spike */
  alertSpendSpikeFloorUsd: decimal(parseUsd),
  /** starter credits expire this many days after they are granted (null: never) */
  starterCreditExpiryDays: z.number().int().min(1).max(3650).nullable(),
  /** credits bought with a top-up expire this many days after payment (null: never) */
  paidCreditExpiryDays: z.number().int().min(1).max(3650).nullable(),
  /** customers may enter Stripe promotion codes on the Checkout page */
  checkoutPromotionCodes: z.boolean(),
  /** auto-recharge charges an account at most this many times per UTC day … */
  autoRechargeMaxPerDay: z.number().int().min(1).max(100),
  /** … and turns itself off after this many failed charges in a row */
  autoRechargeMaxFailures: z.number().int().min(1).max(20),
  /** a price catalogue the price guard compares with (JSON, the format in the README's "Price guard"); null: the bundled list only */
  priceSourceUrl: z.url().nullable(),
  /** refuse calls to a model the price guard found selling below its provider's cost */
  refuseBelowCost: z.boolean(),
  /** what calls log when neither their key nor their team says */
  requestLogging: z.enum(REQUEST_LOG_LEVELS),
  /** admin regexes redacted from logged bodies, besides the built-in patterns */
  logRedactPatterns: redactPatternsSchema,
  /** logged bodies are deleted this many days after the call */
  logBodiesRetentionDays: z.number().int().min(1).max(3650),
  /** usage events (the call metadata) are deleted this many days after the call; null: HUB_USAGE_RETENTION_DAYS */
  logMetadataRetentionDays: z.number().int().min(1).max(3650).nullable(),
  /** the response cache answers calls that opted in (key, model or header); off: nothing is cached or looked up */
  responseCacheEnabled: z.boolean(),
  /** one cache for all tenants: an answer cached for one customer may answer another's identical call */
  responseCacheShared: z.boolean(),
  /** how long a cached answer lasts; a request's x-hub-cache-ttl may only shorten it */
  responseCacheTtlSeconds: z.number().int().min(1).max(7 * 24 * 3600),
  /** the share of a call's normal charge a cache hit is billed (0: free) */
  responseCacheBilledFraction: z.number().min(0).max(1),
  /** answers larger than this (as stored JSON) are not cached */
  responseCacheMaxEntryBytes: z.number().int().min(256).max(16 * 1024 * 1024),
});

export type StoredSettings = z.infer<typeof storedSettingsSchema>;
export type SettingKey = keyof StoredSettings;

export const DEFAULT_SETTINGS: StoredSettings = { mode: "enterprise", creditPriceUsd: "0.000001", starterCredits: "0", topUpUrl: null, currency: "usd", signUpEnabled: false, brandName: "AIGNE Hub", brandLogoUrl: null, directModelRouting: "auto", alertLowBalanceCredits: null, alertSpendSpikeFactor: 3, alertSpendSpikeFloorUsd: "10",
  starterCreditExpiryDays: null, paidCreditExpiryDays: null, checkoutPromotionCodes: false, autoRechargeMaxPerDay: 3, autoRechargeMaxFailures: 3, priceSourceUrl: null, refuseBelowCost: false,
  requestLogging: "metadata", logRedactPatterns: [], logBodiesRetentionDays: 30, logMetadataRetentionDays: null,
  responseCacheEnabled: true, responseCacheShared: false, responseCacheTtlSeconds: 3600, responseCacheBilledFraction: 0, responseCacheMaxEntryBytes: 256 * 1024,
};

export interface Settings extends StoredSettings {
  creditPriceNanoUsd: bigint;
  starterMicrocredits: bigint;
  /** directModelRouting resolved against the mode */
  directRouting: boolean;
  alertLowBalanceMicrocredits: bigint | null;
  alertSpendSpikeFloorNanoUsd: bigint;
}

export const directRoutingOn = (stored: Pick<StoredSettings, "mode" | "directModelRouting">) =>
  stored.directModelRouting === "auto" ? stored.mode === "enterprise" : stored.directModelRouting === "on";

async function load(): Promise<Settings> {
  const rows = await db().setting.findMany();
  const stored: StoredSettings = { ...DEFAULT_SETTINGS };
  for (const row of rows) {
    const field = storedSettingsSchema.shape[row.key as SettingKey];
    // a value that no longer validates (older version, hand edit) falls back to the default
    const parsed = field?.safeParse(JSON.parse(row.value));
    if (parsed?.success) Object.assign(stored, { [row.key]: parsed.data });
  }
  return {
    ...stored,
    creditPriceNanoUsd: parseUsd(stored.creditPriceUsd),
    starterMicrocredits: parseCredits(stored.starterCredits),
    directRouting: directRoutingOn(stored),
    alertLowBalanceMicrocredits: stored.alertLowBalanceCredits === null ? null : parseCredits(stored.alertLowBalanceCredits),
    alertSpendSpikeFloorNanoUsd: parseUsd(stored.alertSpendSpikeFloorUsd),
  };
}

const cache = processSingleton("settings-cache", () => new ConfigCache<"settings", Settings>(load, { ttlMs: 60_000, maxEntries: 1 }));

export function settings(): Promise<Settings> {
  return cache.get("settings");
}

export async function writeSetting<K extends SettingKey>(tx: Tx, key: K, value: StoredSettings[K]): Promise<void> {
  const json = JSON.stringify(storedSettingsSchema.shape[key].parse(value));
  await tx.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  await bumpConfigVersion(tx);
}
