import path from "node:path";
import { z } from "zod";
import { HUB_ROLES } from "./roles";

/** A configuration problem that must stop start-up with one clear line. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUnset, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(emptyAsUnset, schema.default(fallback as never));
const milliseconds = z.coerce.number().int().positive();
/** "true" or "false"; unset or empty is false */
const flag = z.preprocess((value) => emptyAsUnset(value) ?? "false", z.enum(["true", "false"]).transform((value) => value === "true"));
/** comma-separated exact host:port authorities, normalised as the URL parser spells them ("127.0.0.1:8080", "[::1]:80") */
const authorities = z.preprocess(
  (value) => emptyAsUnset(value) ?? "",
  z.string().transform((value, ctx) => {
    const entries = value.split(",").map((entry) => entry.trim()).filter(Boolean);
    return entries.map((entry) => {
      const url = URL.canParse(`http://${entry}`) ? new URL(`http://${entry}`) : null;
      if (!url || !/:\d+$/.test(entry) || url.pathname !== "/" || url.username) {
        ctx.addIssue({ code: "custom", message: `must be host:port entries separated by commas (not "${entry}")` });
        return "";
      }
      return `${url.hostname}:${url.port || "80"}`;
    });
  }),
);
/** "attempts/window", e.g. "5/15m": at most that many in the window (s, m or h) */
const attemptsPerWindow = z
  .string()
  .regex(/^\d+\/\d+[smh]$/, 'must be "<attempts>/<window>", e.g. "5/15m"')
  .transform((value) => {
    const [attempts, window] = value.split("/") as [string, string];
    const seconds = Number(window.slice(0, -1)) * { s: 1, m: 60, h: 3600 }[window.slice(-1) as "s" | "m" | "h"];
    return { points: Number(attempts), seconds };
  })
  .refine((limit) => limit.points > 0 && limit.seconds > 0, "attempts and window must be above zero");
// prefault, not default: the default is the text, which the transform then reads like a set value
const limitWithDefault = (fallback: string) => z.preprocess(emptyAsUnset, attemptsPerWindow.prefault(fallback));

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  DATABASE_URL: withDefault(
    z.string().refine((url) => url.startsWith("file:") || /^postgres(ql)?:\/\//.test(url), {
      message: "must be file:<path> (SQLite) or postgres://… (Postgres)",
    }),
    "file:./data/hub.db",
  ),
  HUB_DATA_DIR: withDefault(z.string(), "./data"),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, "must be redis://… or rediss://…")),
  /** namespace of the hub's Redis keys and queues, for several hubs on one Redis */
  HUB_REDIS_PREFIX: withDefault(z.string().regex(/^[A-Za-z0-9_-]+$/), "hub"),
  /** the most answers the response cache keeps in the database (without Redis); the oldest to expire go first */
  HUB_RESPONSE_CACHE_MAX_ENTRIES: withDefault(z.coerce.number().int().positive(), 100_000),
  HUB_ENCRYPTION_KEY: optional(z.string()),
  /** earlier master keys (comma-separated), still accepted to open credentials until `hub crypto rotate` re-seals them */
  HUB_ENCRYPTION_KEY_PREVIOUS: optional(z.string()),
  HUB_ADMIN_EMAIL: optional(z.string().regex(/^[^\s@]+@[^\s@]+$/, "must be an email address")),
  HUB_ADMIN_PASSWORD: optional(z.string().min(8, "must be at least 8 characters")),
  HUB_PUBLIC_URL: optional(z.url()),
  STRIPE_SECRET_KEY: optional(z.string().regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_…)")),
  STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_/, "must be a Stripe webhook signing secret (whsec_…)")),
  /** another Stripe API address (a proxy, or the fake Stripe of the tests) */
  STRIPE_API_URL: optional(z.url()),
  /** signs web sessions; derived from the master key when unset */
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  /** single sign-on with any OpenID Connect provider (all three enable it) */
  AUTH_OIDC_ISSUER: optional(z.url()),
  AUTH_OIDC_CLIENT_ID: optional(z.string()),
  AUTH_OIDC_CLIENT_SECRET: optional(z.string()),
  AUTH_OIDC_NAME: withDefault(z.string(), "SSO"),
  /** enables /metrics for scrapers that send it as a Bearer token */
  HUB_METRICS_TOKEN: optional(z.string().min(16, "must be at least 16 characters")),
  PORT: withDefault(z.coerce.number().int().min(1).max(65535), 3000),
  /** what this process runs: everything, the API only, the web UI and admin API, or the queue worker (lib/roles.ts) */
  HUB_ROLE: withDefault(z.enum(HUB_ROLES), "all"),
  /** the worker's /healthz for container healthchecks, on 127.0.0.1 (0 turns it off) */
  HUB_WORKER_HEALTH_PORT: withDefault(z.coerce.number().int().min(0).max(65535), 3001),
  LOG_LEVEL: withDefault(z.enum(LOG_LEVELS), "info"),
  /** OpenTelemetry: spans of gateway calls are exported over OTLP/HTTP to this base URL (…/v1/traces); unset, no tracing code loads */
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })),
  /** headers for the OTLP exporter, "key=value,key2=value2" (read by the exporter itself) */
  OTEL_EXPORTER_OTLP_HEADERS: optional(z.string()),
  OTEL_SERVICE_NAME: withDefault(z.string().min(1), "aigne-hub"),
  HUB_UPSTREAM_TIMEOUT_MS: withDefault(milliseconds, 600_000),
  HUB_SHUTDOWN_TIMEOUT_MS: withDefault(milliseconds, 30_000),
  HUB_USAGE_FLUSH_MS: withDefault(milliseconds, 250),
  HUB_CONFIG_POLL_MS: withDefault(milliseconds, 250),
  HUB_MAX_ATTEMPTS: withDefault(z.coerce.number().int().min(1).max(10), 4),
  HUB_COOLDOWN_MS: withDefault(milliseconds, 30_000),
  HUB_COOLDOWN_AFTER_FAILURES: withDefault(z.coerce.number().int().min(1), 3),
  HUB_CREDENTIAL_RECHECK_MS: withDefault(milliseconds, 300_000),
  HUB_DEFAULT_MAX_OUTPUT_TOKENS: withDefault(z.coerce.number().int().positive(), 4096),
  HUB_HOLD_TTL_MS: withDefault(milliseconds, 3_600_000),
  HUB_DISCONNECT_DRAIN_MS: withDefault(z.coerce.number().int().min(0), 3000),
  HUB_USAGE_RETENTION_DAYS: withDefault(z.coerce.number().int().positive(), 400),
  HUB_ROLLUP_EVERY_MS: withDefault(milliseconds, 60_000),
  /** image URLs fetched for Gemini, Bedrock and Ollama: how many per request, their bytes together, one deadline for all */
  HUB_IMAGE_FETCH_MAX_IMAGES: withDefault(z.coerce.number().int().min(0), 16),
  HUB_IMAGE_FETCH_MAX_BYTES: withDefault(z.coerce.number().int().positive(), 20 * 1024 * 1024),
  HUB_IMAGE_FETCH_TIMEOUT_MS: withDefault(milliseconds, 30_000),
  /** exact host:port fetched without the address policy: for development and tests, never for tenants' hosts */
  HUB_IMAGE_FETCH_ALLOW_HOSTS: authorities,
  /** turns the address policy off for image URLs: any tenant can then reach the hub's networks */
  HUB_IMAGE_FETCH_ALLOW_PRIVATE: flag,
  /** the largest request body the gateway's routes (and Next's pages) read, counted as it streams in */
  HUB_MAX_BODY_BYTES: withDefault(z.coerce.number().int().min(1024), 32 * 1024 * 1024),
  /** the largest audio file a transcription or translation may upload (OpenAI's own limit by default) */
  HUB_MAX_AUDIO_BYTES: withDefault(z.coerce.number().int().min(1024), 25 * 1024 * 1024),
  /** how often running video jobs are asked upstream where they are */
  HUB_VIDEO_POLL_MS: withDefault(milliseconds, 5_000),
  /** a video job still running after this long is given up (and charges nothing) */
  HUB_VIDEO_MAX_MS: withDefault(milliseconds, 2 * 3_600_000),
  /** how long a finished video is kept for its tenant before its file is deleted */
  HUB_VIDEO_RETENTION_MS: withDefault(milliseconds, 24 * 3_600_000),
  /** largest video file the hub keeps (a larger one fails the job) */
  HUB_MAX_VIDEO_BYTES: withDefault(z.coerce.number().int().min(1024), 512 * 1024 * 1024),
  /** how deeply a JSON body may nest arrays and objects */
  HUB_MAX_JSON_DEPTH: withDefault(z.coerce.number().int().min(8).max(10_000), 64),
  /** proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated); unset: the socket's address is the client */
  HUB_TRUSTED_PROXIES: withDefault(z.string(), ""),
  /** password sign-in attempts per account (a success resets it), then blocked for the window */
  HUB_SIGNIN_LIMIT_ACCOUNT: limitWithDefault("5/15m"),
  /** password sign-in attempts per client address (a success gives its attempt back) */
  HUB_SIGNIN_LIMIT_IP: limitWithDefault("20/15m"),
  /** self sign-ups per client address */
  HUB_SIGNUP_LIMIT_IP: limitWithDefault("5/1h"),
  /** API keys a signed-in user may create for themselves */
  HUB_KEY_CREATE_LIMIT_USER: limitWithDefault("20/1h"),
  /** failed redemption-code attempts per user (guessing codes) */
  HUB_CODE_REDEEM_LIMIT_USER: limitWithDefault("10/10m"),
  /** outgoing mail (address confirmation): smtp://user:pass@host:port or smtps://…; unset: self sign-up is closed */
  HUB_SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, "must be smtp://… or smtps://…")),
  HUB_MAIL_FROM: withDefault(z.string().min(3), "AIGNE Hub <hub@localhost>"),
  /** the first retry of an alert that could not be delivered waits this long, each next one twice as long */
  HUB_ALERT_RETRY_BASE_MS: withDefault(milliseconds, 30_000),
  /** each side (request, response) of a logged call body is cut at this many bytes */
  HUB_LOG_MAX_BODY_BYTES: withDefault(z.coerce.number().int().min(1024), 64 * 1024),
});

export type Env = z.infer<typeof envSchema>;

/** Every variable the hub reads (the compose file and .env.example are checked against it). */
export const ENV_NAMES = Object.keys(envSchema.shape) as Array<keyof Env>;

type EnvSource = Record<string, string | undefined>;

let cached: { source: EnvSource; env: Env } | undefined;

/** The validated environment; throws ConfigError naming the first bad variable. */
export function env(source: EnvSource = process.env): Env {
  if (cached?.source === source) return cached.env;
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid environment: ${issue.path.join(".")} ${issue.message}`);
  }
  cached = { source, env: parsed.data };
  return parsed.data;
}

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url = env().DATABASE_URL): DatabaseKind {
  return url.startsWith("file:") ? "sqlite" : "postgres";
}

/** Absolute path of the SQLite file named by a `file:` URL (relative paths are from the cwd). */
export function sqlitePath(url = env().DATABASE_URL): string {
  const file = url.slice("file:".length).split("?")[0]!;
  return path.resolve(file);
}

export function dataDir(): string {
  return path.resolve(env().HUB_DATA_DIR);
}
