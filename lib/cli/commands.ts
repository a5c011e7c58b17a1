import { readFileSync, writeFileSync } from "node:fs";
import { migrate } from "../db/migrate";
import { env } from "../env";
import type { ParseArgsConfig } from "node:util";
import { disableBatch, disableCode, mintCodes } from "../admin/codes";
import { findCreditAccount, grantCredits } from "../admin/credits";
import { csvBody } from "../http/csv";
import { currentMonth, monthSchema, statement, statementRows, STATEMENT_COLUMNS, type Statement, type StatementUnits } from "../billing/statements";
import { unitParts, type UnitPart } from "../ui/units";
import { reconcileLedger } from "../billing/reconcile";
import { AdminError } from "../admin/errors";
import { createApiKey, listApiKeys, revokeApiKey } from "../admin/keys";
import { resealWebhookSecrets } from "../alerts/secret";
import { ADMIN_SCOPES, createAdminToken, listAdminTokens, revokeAdminToken, type AdminScope } from "../admin/tokens";
import { addAlias, addDeployment, addModel, MODEL_TYPES, priceHistory, setPrice, setRoutingStrategy, type ModelType, type PriceInput } from "../admin/models";
import { setResponseCache, type CacheTarget } from "../admin/response-cache";
import { ROUTING_STRATEGIES } from "../gateway/route-stats";
import { setLogLevel, setMonthlyBudget, setRateLimits, type LimitTarget } from "../admin/limits";
import { addPackage, listPackages } from "../admin/packages";
import { createTeam, joinTeam } from "../admin/teams";
import { assignGroup, createGroup, listGroups } from "../admin/groups";
import { priceFindings, runPriceCheck } from "../admin/price-findings";
import { formatCredits, formatDecimal, formatUsd } from "../money";
import { OPERATOR } from "../caller";
import { addCredential, addProvider, testProvider } from "../admin/providers";
import { currentSettings, setMode, setSetting, SETTING_NAMES } from "../admin/settings";
import { rotateCredentials } from "../admin/crypto";
import { exportConfig, importConfig } from "../admin/config-io";
import { createUser, ROLES, type Role } from "../admin/users";
import { createChannel, deleteChannel, listChannels, sendTestAlert } from "../admin/alert-channels";
import { getDelivery, listDeliveries, replayDelivery } from "../admin/alert-deliveries";
import { ALERT_EVENTS, type AlertEventType } from "../alerts/events";
import { alertJobs } from "../alerts/jobs";
import { prepare } from "../boot";
import { jobs } from "../jobs";
import { resealTotpSecrets, resetTotp } from "../auth/totp";

/** The usage pages' units (messages/en/usage.json "units"), as the terminal reads them. */
const UNIT_TEXT: Record<UnitPart["unit"], (n: number) => string> = {
  tokens: (n) => `${n} tokens`,
  audioSeconds: (n) => `${n} s audio`,
  audioMinutes: (n) => `${n} min audio`,
  characters: (n) => (n === 1 ? "1 character" : `${n} characters`),
  images: (n) => (n === 1 ? "1 image" : `${n} images`),
  videoSeconds: (n) => `${n} s video`,
};

/** What a model's calls were metered in: "30+27 tokens", "12.3 s audio, 3 images" (tokens shown when there are some, or nothing else). */
function meteredText(u: StatementUnits): string {
  const others = unitParts({ ...u, promptTokens: 0, completionTokens: 0 }).map((part) => UNIT_TEXT[part.unit](part.count));
  const tokens = u.promptTokens + u.completionTokens > 0 || others.length === 0 ? [`${u.promptTokens}+${u.completionTokens} tokens`] : [];
  return [...tokens, ...others].join(", ");
}

/** A statement as an operator reads it in a terminal: the same lines as the customer's page. */
function statementText(s: Statement): string {
  const credits = (micro: bigint) => formatCredits(micro).padStart(14);
  const day = (at: Date) => at.toISOString().slice(0, 10);
  const lines = [`statement ${s.month} for ${s.owner}`, `${day(s.start)}  ${"opening balance".padEnd(60)} ${credits(s.openingMicrocredits)}`];
  for (const t of s.topUps) lines.push(`${day(t.paidAt)}  ${`${t.kind === "recharge" ? "auto-recharge" : "top-up"} ${t.amount}${t.refunded ? ` (refunded ${t.refunded})` : ""}`.padEnd(60)} ${credits(t.microcredits)}${t.receiptUrl ? `  receipt ${t.receiptUrl}` : ""}`);
  for (const u of s.usage) lines.push(`${"".padEnd(10)}  ${`usage ${u.model}: ${u.calls} calls, ${meteredText(u)}`.padEnd(60)} ${credits(-u.microcredits)}`);
  for (const m of s.movements) lines.push(`${day(m.at)}  ${`${m.kind}${m.note ? ` ${m.note}` : ""}`.padEnd(60)} ${credits(m.microcredits)}`);
  lines.push(`${day(new Date(s.end.getTime() - 1))}  ${"closing balance".padEnd(60)} ${credits(s.closingMicrocredits)}`);
  return lines.join("\n");
}

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  usage: string;
  options?: ParseArgsConfig["options"];
  positionals?: boolean;
  run(values: Values, positionals: string[]): Promise<unknown>;
}

const ACTOR = "cli";

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new AdminError(`--${name} is required`);
  return value;
}

function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function integer(values: Values, name: string): number | undefined {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new AdminError(`--${name} must be a whole number`);
  return Number(value);
}

/** --header "Name: value" (repeatable) → a header map. */
function headers(values: Values): Record<string, string> | undefined {
  const given = values.header as unknown as string[] | undefined;
  if (!given?.length) return undefined;
  return Object.fromEntries(
    given.map((h) => {
      const at = h.indexOf(":");
      if (at < 1) throw new AdminError(`--header must look like "Name: value", got "${h}"`);
      return [h.slice(0, at).trim(), h.slice(at + 1).trim()];
    }),
  );
}

const priceOptions = {
  "input-usd-per-1m": { type: "string" },
  "output-usd-per-1m": { type: "string" },
  "cached-input-usd-per-1m": { type: "string" },
  "cache-write-usd-per-1m": { type: "string" },
  "image-usd": { type: "string" },
  "audio-usd-per-minute": { type: "string" },
  "characters-usd-per-1m": { type: "string" },
  "video-usd-per-second": { type: "string" },
  "margin-percent": { type: "string" },
} as const;
const priceOf = (v: Values): PriceInput => ({
  inputUsdPer1M: optional(v, "input-usd-per-1m"),
  outputUsdPer1M: optional(v, "output-usd-per-1m"),
  cachedInputUsdPer1M: optional(v, "cached-input-usd-per-1m"),
  cacheWriteUsdPer1M: optional(v, "cache-write-usd-per-1m"),
  imageUsd: optional(v, "image-usd"),
  audioUsdPerMinute: optional(v, "audio-usd-per-minute"),
  charactersUsdPer1M: optional(v, "characters-usd-per-1m"),
  videoUsdPerSecond: optional(v, "video-usd-per-second"),
  marginPercent: optional(v, "margin-percent"),
});

type UnitPrices = { imageNanoUsd: bigint | null; audioNanoUsdPerMinute: bigint | null; characterNanoUsdPer1M: bigint | null; videoNanoUsdPerSecond: bigint | null };
const usdOrNull = (v: bigint | null) => (v === null ? null : formatUsd(v));
/** The prices a model has besides its token prices, each as it reads in a line. */
const unitPrices = (p: UnitPrices) =>
  [
    p.imageNanoUsd !== null && `$${formatUsd(p.imageNanoUsd)} per image`,
    p.audioNanoUsdPerMinute !== null && `$${formatUsd(p.audioNanoUsdPerMinute)} per minute of audio`,
    p.characterNanoUsdPer1M !== null && `$${formatUsd(p.characterNanoUsdPer1M)} per 1M characters`,
    p.videoNanoUsdPerSecond !== null && `$${formatUsd(p.videoNanoUsdPerSecond)} per second of video`,
  ].filter((text): text is string => Boolean(text));

const credentialOptions = { "api-key": { type: "string" }, "access-key-id": { type: "string" }, "secret-access-key": { type: "string" }, "session-token": { type: "string" } } as const;
const credentialOf = (v: Values) => ({
  apiKey: optional(v, "api-key"),
  accessKeyId: optional(v, "access-key-id"),
  secretAccessKey: optional(v, "secret-access-key"),
  sessionToken: optional(v, "session-token"),
});

/** --user / --team / --key: exactly one. */
function limitTarget(v: Values): LimitTarget {
  const given = [
    optional(v, "user") !== undefined && { userEmail: optional(v, "user")! },
    optional(v, "team") !== undefined && { teamName: optional(v, "team")! },
    optional(v, "key") !== undefined && { keyId: optional(v, "key")! },
  ].filter((t): t is LimitTarget => Boolean(t));
  if (given.length !== 1) throw new AdminError("give exactly one of --user, --team or --key");
  return given[0]!;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) throw new AdminError(`${what} must be one of: ${allowed.join(", ")}`);
  return value as T;
}

/**
 * Every command runs against an up-to-date database. Without Redis the jobs a command queues (an
 * alert it set off, a test alert) run in this process, so it waits for them before it exits.
 */
function command(spec: Command): Command {
  return {
    ...spec,
    async run(values, positionals) {
      await prepare();
      jobs.register(alertJobs());
      const result = await spec.run(values, positionals);
      await jobs.idle();
      return result;
    },
  };
}

/** How the first attempt at a delivery this command queued went (it ran in this process without Redis). */
async function deliveryOutcome(delivery: { id: string }) {
  await jobs.idle();
  const d = await getDelivery(delivery.id);
  const how = d.status === "delivered" ? "delivered" : d.status === "failed" ? `failed: ${d.lastError}` : d.attempts ? `not yet delivered (${d.lastError}); the hub retries it` : "queued; the worker sends it";
  return { message: `alert ${d.id} ${how}`, delivery: d };
}

const string = { type: "string" } as const;
const flag = { type: "boolean" } as const;

export const commands: Record<string, Command> = {
  // not wrapped in command(), which migrates before every command and would leave nothing to report
  migrate: {
    usage: "apply pending database migrations (a deployment runs it once before new replicas start)",
    run: async () => {
      const applied = await migrate(env().DATABASE_URL);
      return { message: applied.length ? `applied ${applied.join(", ")}` : "the database schema is current", applied };
    },
  },
  "admin create": command({
    usage: "--email E --password P",
    options: { email: string, password: string, name: string },
    async run(v) {
      const user = await createUser({ email: required(v, "email"), password: required(v, "password"), name: optional(v, "name"), role: "admin" }, ACTOR);
      return { message: `created admin ${user.email}`, user: { id: user.id, email: user.email, role: user.role } };
    },
  }),

  "user create": command({
    usage: "--email E [--role member|admin] [--password P] [--name N] [--team T]",
    options: { email: string, role: string, password: string, name: string, team: string },
    async run(v) {
      const role: Role = oneOf(optional(v, "role") ?? "member", ROLES, "--role");
      const user = await createUser({ email: required(v, "email"), role, password: optional(v, "password"), name: optional(v, "name") }, ACTOR);
      const team = optional(v, "team");
      if (team) await joinTeam(user.email, team, ACTOR);
      return { message: `created ${role} ${user.email}${team ? ` in team ${team}` : ""}`, user: { id: user.id, email: user.email, role: user.role, team: team ?? null } };
    },
  }),

  "user totp-reset": command({
    usage: "--email E",
    options: { email: string },
    async run(v) {
      // recovery for someone who lost their authenticator app: they sign in with the password alone
      const { email, removed } = await resetTotp(required(v, "email"), ACTOR);
      return { message: removed ? `two-factor sign-in turned off for ${email}` : `${email} had no two-factor sign-in`, email, removed };
    },
  }),

  "limits set": command({
    usage: "(--user E | --team T | --key ID) [--rpm N|none] [--tpm N|none]",
    options: { user: string, team: string, key: string, rpm: string, tpm: string },
    async run(v) {
      const result = await setRateLimits(limitTarget(v), { rpm: optional(v, "rpm"), tpm: optional(v, "tpm") }, ACTOR);
      const shown = [result.rpm !== undefined && `${result.rpm ?? "no"} requests/min`, result.tpm !== undefined && `${result.tpm ?? "no"} tokens/min`].filter(Boolean).join(", ");
      return { message: `${result.target}: ${shown}`, ...result };
    },
  }),

  "logging set": command({
    usage: "(--team T | --key ID) --level off|metadata|bodies|inherit",
    options: { team: string, key: string, level: string },
    async run(v) {
      const result = await setLogLevel(limitTarget(v), required(v, "level"), ACTOR);
      return { message: `${result.target}: ${result.logLevel ?? "inherits its log level"}`, ...result };
    },
  }),

  "team create": command({
    usage: "--name N [--pool-credits] [--monthly-budget-usd X]",
    options: { name: string, "pool-credits": { type: "boolean" }, "monthly-budget-usd": string },
    async run(v) {
      const team = await createTeam({ name: required(v, "name"), poolCredits: v["pool-credits"] === true, monthlyBudgetUsd: optional(v, "monthly-budget-usd") }, ACTOR);
      return { message: `created team ${team.name}`, team: { id: team.id, name: team.name, poolCredits: team.poolCredits } };
    },
  }),

  "team join": command({
    usage: "--team T --user E",
    options: { team: string, user: string },
    async run(v) {
      const { user, team } = await joinTeam(required(v, "user"), required(v, "team"), ACTOR);
      return { message: `${user.email} is now in team ${team.name}`, user: user.email, team: team.name };
    },
  }),

  "budget set": command({
    usage: "(--user E | --team T | --key ID) --monthly-usd X|none",
    options: { user: string, team: string, key: string, "monthly-usd": string },
    async run(v) {
      const result = await setMonthlyBudget(limitTarget(v), required(v, "monthly-usd"), ACTOR);
      const shown = result.monthlyBudgetNanoUsd === null ? "no budget" : `$${formatUsd(result.monthlyBudgetNanoUsd)} a month`;
      return { message: `${result.target}: ${shown}`, target: result.target, monthlyBudgetUsd: result.monthlyBudgetNanoUsd === null ? null : formatUsd(result.monthlyBudgetNanoUsd) };
    },
  }),

  "provider add": command({
    usage:
      "--type T --name N [--base-url URL] [--api-key K | --access-key-id A --secret-access-key S [--session-token T]] [--region R] [--timeout-ms MS] [--header 'Name: value']…",
    options: { type: string, name: string, "base-url": string, region: string, "timeout-ms": string, header: { type: "string", multiple: true }, ...credentialOptions },
    async run(v) {
      const { provider, credentialHint } = await addProvider(
        {
          type: required(v, "type"),
          name: required(v, "name"),
          baseUrl: optional(v, "base-url"),
          region: optional(v, "region"),
          timeoutMs: integer(v, "timeout-ms"),
          headers: headers(v),
          ...credentialOf(v),
        },
        ACTOR,
      );
      return {
        message: `added ${provider.type} provider ${provider.name}${credentialHint ? ` (key ${credentialHint})` : ""}`,
        provider: { id: provider.id, name: provider.name, type: provider.type, baseUrl: provider.baseUrl, credentialHint },
      };
    },
  }),

  "provider credential": command({
    usage: "--provider N --name C [--api-key K | --access-key-id A --secret-access-key S] [--weight W]",
    options: { provider: string, name: string, weight: string, ...credentialOptions },
    async run(v) {
      const credential = await addCredential({ provider: required(v, "provider"), name: required(v, "name"), weight: integer(v, "weight"), ...credentialOf(v) }, ACTOR);
      return {
        message: `added credential ${credential.name} (${credential.hint}) to ${required(v, "provider")}`,
        credential: { id: credential.id, name: credential.name, hint: credential.hint, weight: credential.weight },
      };
    },
  }),

  "provider test": command({
    usage: "<provider name>",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one provider name");
      const result = await testProvider(positionals[0]!);
      const lines = result.checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.credential} ${c.hint} ${c.latencyMs} ms${c.error ? `: ${c.error}` : ""}`);
      if (result.checks.some((c) => !c.ok)) throw new AdminError(`${result.provider}: ${lines.join("; ")}`);
      return { message: lines.join("\n"), ...result };
    },
  }),

  "model add": command({
    usage: `--name PUBLIC --provider N --upstream-model M [--type ${MODEL_TYPES.join("|")}] [--input-usd-per-1m X --output-usd-per-1m Y] [--cached-input-usd-per-1m Z] [--cache-write-usd-per-1m W] [--image-usd I] [--audio-usd-per-minute A] [--characters-usd-per-1m C] [--video-usd-per-second V] [--margin-percent P] [--max-output-tokens T] [--default-output-tokens D]`,
    options: { name: string, provider: string, "upstream-model": string, type: string, "max-output-tokens": string, "default-output-tokens": string, ...priceOptions },
    async run(v) {
      const type: ModelType = oneOf(optional(v, "type") ?? "chat", MODEL_TYPES, "--type");
      const model = await addModel(
        {
          name: required(v, "name"),
          provider: required(v, "provider"),
          upstreamModel: required(v, "upstream-model"),
          type,
          maxOutputTokens: integer(v, "max-output-tokens"),
          defaultOutputTokens: integer(v, "default-output-tokens"),
          ...priceOf(v),
        },
        ACTOR,
      );
      return { message: `added ${type} model ${model.name}`, model: { id: model.id, name: model.name, type: model.type } };
    },
  }),

  "model deploy": command({
    usage: "--name PUBLIC --provider N --upstream-model M [--priority P] [--weight W] [--credential C] [--input-cost-usd-per-1m X --output-cost-usd-per-1m Y]",
    options: { name: string, provider: string, "upstream-model": string, priority: string, weight: string, credential: string, "input-cost-usd-per-1m": string, "output-cost-usd-per-1m": string },
    async run(v) {
      const deployment = await addDeployment(
        {
          model: required(v, "name"),
          provider: required(v, "provider"),
          upstreamModel: required(v, "upstream-model"),
          priority: integer(v, "priority"),
          weight: integer(v, "weight"),
          credential: optional(v, "credential"),
          // what this deployment costs, for the price strategy (else the provider's list price)
          inputCostUsdPer1M: optional(v, "input-cost-usd-per-1m"),
          outputCostUsdPer1M: optional(v, "output-cost-usd-per-1m"),
        },
        ACTOR,
      );
      return {
        message: `${required(v, "name")} is now also served by ${required(v, "provider")}/${deployment.upstreamModel} (priority ${deployment.priority}, weight ${deployment.weight})`,
        deployment: { id: deployment.id, priority: deployment.priority, weight: deployment.weight },
      };
    },
  }),

  "price set": command({
    usage: "--model PUBLIC [--input-usd-per-1m X] [--output-usd-per-1m Y] [--cached-input-usd-per-1m Z] [--cache-write-usd-per-1m W] [--image-usd I] [--audio-usd-per-minute A] [--characters-usd-per-1m C] [--video-usd-per-second V] [--margin-percent P] [--effective-from ISO-TIME]",
    options: { model: string, ...priceOptions, "effective-from": string },
    async run(v) {
      const from = optional(v, "effective-from");
      const price = await setPrice(required(v, "model"), { ...priceOf(v), ...(from ? { effectiveFrom: new Date(from) } : {}) }, ACTOR);
      return {
        message: `${required(v, "model")}: $${formatUsd(price.inputNanoUsdPer1M)} in / $${formatUsd(price.outputNanoUsdPer1M)} out per 1M tokens${unitPrices(price).map((u) => `, ${u}`).join("")}, margin ${price.marginBps / 100}%`,
        price: {
          id: price.id,
          inputUsdPer1M: formatUsd(price.inputNanoUsdPer1M),
          outputUsdPer1M: formatUsd(price.outputNanoUsdPer1M),
          imageUsd: usdOrNull(price.imageNanoUsd),
          audioUsdPerMinute: usdOrNull(price.audioNanoUsdPerMinute),
          charactersUsdPer1M: usdOrNull(price.characterNanoUsdPer1M),
          videoUsdPerSecond: usdOrNull(price.videoNanoUsdPerSecond),
          marginPercent: price.marginBps / 100,
        },
      };
    },
  }),

  "prices check": command({
    usage: "(runs the price guard now: drift from the list prices, prices selling below cost)",
    options: {},
    async run() {
      const result = await runPriceCheck(ACTOR);
      const catalogue = result.catalogue ? (result.catalogue.ok ? `, catalogue: ${result.catalogue.entries} prices` : `, catalogue unreadable: ${result.catalogue.error}`) : "";
      const found = (await priceFindings(OPERATOR)).filter((f) => f.kind === "below_cost");
      const lines = found.map((f) => `  ${f.model}: ${f.component} sells at $${f.hubUsd} ${f.group ? `to group ${f.group}` : "at its margin"}, ${f.source} cost $${f.referenceUsd}`);
      return { message: [`checked ${result.models} models: ${result.belowCost} below cost, ${result.drift} drift${catalogue}`, ...lines].join("\n"), result, belowCost: found };
    },
  }),

  "group create": command({
    usage: "--name N [--margin-percent P] [--models PATTERN,…] [--description D]",
    options: { name: string, "margin-percent": string, models: string, description: string },
    async run(v) {
      const group = await createGroup(
        { name: required(v, "name"), marginPercent: optional(v, "margin-percent"), description: optional(v, "description"), allowedModels: optional(v, "models")?.split(",") },
        ACTOR,
      );
      return { message: `created customer group ${group.name}`, group: { id: group.id, name: group.name } };
    },
  }),

  "group assign": command({
    usage: "--user E (--group NAME | --none)",
    options: { user: string, group: string, none: flag },
    async run(v) {
      const name = optional(v, "group");
      if ((name === undefined) === (v.none !== true)) throw new AdminError("give exactly one of --group or --none");
      const group = name === undefined ? null : (await listGroups(OPERATOR)).find((g) => g.name === name);
      if (group === undefined) throw new AdminError(`no customer group named ${name}`, "not_found");
      const user = await assignGroup(required(v, "user"), group?.id ?? null, ACTOR);
      return { message: group ? `${user.email} is now in group ${group.name}` : `${user.email} is in no group now`, user: user.email, group: group?.name ?? null };
    },
  }),

  "price history": command({
    usage: "--model PUBLIC",
    options: { model: string },
    async run(v) {
      const history = await priceHistory(required(v, "model"));
      const prices = history.map((p) => ({
        effectiveFrom: p.effectiveFrom,
        inputUsdPer1M: formatUsd(p.inputNanoUsdPer1M),
        outputUsdPer1M: formatUsd(p.outputNanoUsdPer1M),
        cachedInputUsdPer1M: p.cachedReadNanoUsdPer1M === null ? null : formatUsd(p.cachedReadNanoUsdPer1M),
        imageUsd: usdOrNull(p.imageNanoUsd),
        audioUsdPerMinute: usdOrNull(p.audioNanoUsdPerMinute),
        charactersUsdPer1M: usdOrNull(p.characterNanoUsdPer1M),
        videoUsdPerSecond: usdOrNull(p.videoNanoUsdPerSecond),
        marginPercent: p.marginBps / 100,
        source: p.source,
      }));
      const lines = prices.map((p, i) => [p.effectiveFrom.toISOString(), `in $${p.inputUsdPer1M}`, `out $${p.outputUsdPer1M}`, ...unitPrices(history[i]!), `margin ${p.marginPercent}%`, `(${p.source})`].join("  "));
      return { message: lines.join("\n") || "no prices", prices };
    },
  }),

  "model alias": command({
    usage: "--name PUBLIC --alias A",
    options: { name: string, alias: string },
    async run(v) {
      await addAlias(required(v, "name"), required(v, "alias"), ACTOR);
      return { message: `${required(v, "alias")} now names ${required(v, "name")}`, alias: required(v, "alias"), model: required(v, "name") };
    },
  }),

  "model routing": command({
    usage: `--name PUBLIC --strategy ${ROUTING_STRATEGIES.join("|")}`,
    options: { name: string, strategy: string },
    async run(v) {
      const model = await setRoutingStrategy(required(v, "name"), required(v, "strategy"), ACTOR);
      return { message: `${model.name} now orders its deployments by ${model.routingStrategy}`, model: model.name, routingStrategy: model.routingStrategy };
    },
  }),

  "cache set": command({
    usage: "(--key ID | --model PUBLIC) (--on | --off)",
    options: { key: string, model: string, on: flag, off: flag },
    async run(v) {
      const key = optional(v, "key");
      const model = optional(v, "model");
      if ((key === undefined) === (model === undefined)) throw new AdminError("give exactly one of --key or --model");
      if ((v.on === true) === (v.off === true)) throw new AdminError("give exactly one of --on or --off");
      const target: CacheTarget = key !== undefined ? { keyId: key } : { modelName: model! };
      const result = await setResponseCache(target, v.on === true, ACTOR);
      return { message: `${result.target}: response cache ${result.responseCache ? "on" : "off"}`, ...result };
    },
  }),

  "key create": command({
    usage: "--user E [--name N] [--models a,b/*] [--expires-at ISO-DATE] [--cache]",
    options: { user: string, name: string, models: string, "expires-at": string, cache: flag },
    async run(v) {
      const expires = optional(v, "expires-at");
      const expiresAt = expires === undefined ? undefined : new Date(expires);
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new AdminError("--expires-at must be a date (e.g. 2027-01-31)");
      const { secret, key } = await createApiKey(
        { userEmail: required(v, "user"), name: optional(v, "name"), models: optional(v, "models")?.split(","), expiresAt, responseCache: v.cache === true },
        ACTOR,
      );
      return {
        message: `${secret}\n(created key ${key.id} for ${required(v, "user")}; the secret is shown only this once)`,
        secret,
        key: { id: key.id, prefix: key.prefix, name: key.name, allowedModels: JSON.parse(key.allowedModels) as string[], expiresAt: key.expiresAt, responseCache: key.responseCache },
      };
    },
  }),

  "key revoke": command({
    usage: "<key id or prefix>",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one key id or prefix");
      const key = await revokeApiKey(positionals[0]!, ACTOR);
      return { message: `revoked key ${key.prefix}… (${key.id})`, key: { id: key.id, prefix: key.prefix, revokedAt: key.revokedAt } };
    },
  }),

  "key list": command({
    usage: "[--user E]",
    options: { user: string },
    async run(v) {
      const keys = await listApiKeys(optional(v, "user"));
      const rows = keys.map((k) => ({
        id: k.id,
        prefix: k.prefix,
        name: k.name,
        user: k.user.email,
        allowedModels: JSON.parse(k.allowedModels) as string[],
        expiresAt: k.expiresAt,
        revokedAt: k.revokedAt,
        lastUsedAt: k.lastUsedAt,
        responseCache: k.responseCache,
      }));
      const lines = rows.map((k) => `${k.prefix}…  ${k.id}  ${k.user}  ${k.name}${k.responseCache ? "  (cached)" : ""}${k.revokedAt ? "  (revoked)" : ""}`);
      return { message: lines.join("\n") || "no keys", keys: rows };
    },
  }),

  "admin-token create": command({
    usage: `--name N --scope ${ADMIN_SCOPES.join("|")} [--expires-at ISO-DATE] [--allow-ip 10.0.0.0/8,203.0.113.7]`,
    options: { name: string, scope: string, "expires-at": string, "allow-ip": string },
    async run(v) {
      const scope = required(v, "scope");
      if (!(ADMIN_SCOPES as readonly string[]).includes(scope)) throw new AdminError(`--scope must be one of ${ADMIN_SCOPES.join(", ")}`);
      const expires = optional(v, "expires-at");
      const expiresAt = expires === undefined ? undefined : new Date(expires);
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new AdminError("--expires-at must be a date (e.g. 2027-01-31)");
      const allowedIps = optional(v, "allow-ip")?.split(",").map((a) => a.trim()).filter(Boolean);
      const { secret, token } = await createAdminToken({ name: required(v, "name"), scope: scope as AdminScope, expiresAt, allowedIps }, ACTOR);
      return { message: `${secret}\n(created admin token ${token.id}, scope ${token.scope}; the secret is shown only this once)`, secret, token };
    },
  }),

  "admin-token list": command({
    usage: "",
    async run() {
      const tokens = await listAdminTokens();
      const lines = tokens.map((t) => `${t.prefix}…  ${t.id}  ${t.scope}  ${t.name}${t.revokedAt ? "  (revoked)" : t.expiresAt && t.expiresAt <= new Date() ? "  (expired)" : ""}`);
      return { message: lines.join("\n") || "no admin tokens", tokens };
    },
  }),

  "admin-token revoke": command({
    usage: "<admin token id or prefix>",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one admin token id or prefix");
      const token = await revokeAdminToken(positionals[0]!, ACTOR);
      return { message: `revoked admin token ${token.prefix}… (${token.id})`, token };
    },
  }),

  "settings set": command({
    usage: `<${SETTING_NAMES.join("|")}> <value>`,
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 2) throw new AdminError(`give a setting and its value (settings: ${SETTING_NAMES.join(", ")})`);
      const stored = await setSetting(positionals[0]!, positionals[1]!, ACTOR);
      return { message: `${positionals[0]} is now ${positionals[1]}`, settings: stored };
    },
  }),

  "settings show": command({
    usage: "",
    async run() {
      const stored = await currentSettings();
      return { message: Object.entries(stored).map(([k, val]) => `${k}: ${val ?? "(not set)"}`).join("\n"), settings: stored };
    },
  }),

  "package add": command({
    usage: "--name N --price 10.00 [--currency usd] --credits C",
    options: { name: string, price: string, currency: string, credits: string },
    async run(v) {
      const pack = await addPackage({ name: required(v, "name"), price: required(v, "price"), currency: optional(v, "currency"), credits: required(v, "credits") }, ACTOR);
      return {
        message: `added package ${pack.name}: ${formatDecimal(BigInt(pack.priceCents), 2)} ${pack.currency} for ${formatCredits(pack.creditsMicrocredits)} credits (${pack.id})`,
        package: { id: pack.id, name: pack.name, price: formatDecimal(BigInt(pack.priceCents), 2), currency: pack.currency, credits: formatCredits(pack.creditsMicrocredits) },
      };
    },
  }),

  "package list": command({
    usage: "",
    async run() {
      const packages = (await listPackages()).map((p) => ({ id: p.id, name: p.name, price: formatDecimal(BigInt(p.priceCents), 2), currency: p.currency, credits: formatCredits(p.creditsMicrocredits), enabled: p.enabled }));
      return { message: packages.map((p) => `${p.id}  ${p.name}  ${p.price} ${p.currency}  ${p.credits} credits`).join("\n") || "no packages", packages };
    },
  }),

  "mode set": command({
    usage: "enterprise|service_provider",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give the mode: enterprise or service_provider");
      const mode = await setMode(positionals[0]!, ACTOR);
      return { message: `mode is now ${mode}`, mode };
    },
  }),

  "crypto rotate": command({
    usage: "(with HUB_ENCRYPTION_KEY=<new key> and HUB_ENCRYPTION_KEY_PREVIOUS=<old key>)",
    options: {},
    async run() {
      // two-factor and webhook secrets first: a credential sealed with an unknown key stops the credentials' rotation
      const totpSecrets = await resealTotpSecrets();
      const webhookSecrets = await resealWebhookSecrets();
      const result = await rotateCredentials(ACTOR);
      const others = [totpSecrets && `${totpSecrets} two-factor secrets`, webhookSecrets && `${webhookSecrets} webhook signing secrets`].filter(Boolean).join(" and ");
      return { message: `re-sealed ${result.rotated} of ${result.total} credentials${others ? ` and ${others}` : ""} under the current master key`, ...result, totpSecrets, webhookSecrets };
    },
  }),

  "config export": command({
    usage: "[--out FILE] [--include-secrets]   (JSON: providers, models, prices, aliases, packages, settings)",
    options: { out: string, "include-secrets": flag },
    async run(v) {
      const json = `${JSON.stringify(await exportConfig({ includeSecrets: v["include-secrets"] === true }), null, 2)}\n`;
      const out = optional(v, "out");
      if (!out) return json.trimEnd();
      // a file with provider keys in it is readable by its owner only
      writeFileSync(out, json, { mode: v["include-secrets"] ? 0o600 : 0o644 });
      return { message: `wrote the configuration to ${out}${v["include-secrets"] ? " (with provider keys; keep it safe)" : ""}` };
    },
  }),

  "config import": command({
    usage: "--file FILE|- [--dry-run]   (creates what is missing, updates what differs, deletes nothing)",
    options: { file: string, "dry-run": flag },
    async run(v) {
      const file = required(v, "file");
      let document: unknown;
      try {
        document = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
      } catch (error) {
        throw new AdminError(`cannot read ${file === "-" ? "stdin" : file} as JSON: ${(error as Error).message}`);
      }
      const report = await importConfig(document, { dryRun: v["dry-run"] === true }, ACTOR);
      const lines = [
        `${report.dryRun ? "would create" : "created"} ${report.created.length}, ${report.dryRun ? "would update" : "updated"} ${report.updated.length}, skipped ${report.skipped.length}`,
        ...report.created.map((c) => `  + ${c}`),
        ...report.updated.map((u) => `  ~ ${u}`),
        ...report.skipped.map((s) => `  ! ${s}`),
      ];
      return { message: lines.join("\n"), ...report };
    },
  }),

  "alert-channel add": command({
    usage: `--name N (--email ADDRESS | --webhook URL) [--events ${ALERT_EVENTS.slice(0, 2).join(",")},…]`,
    options: { name: string, email: string, webhook: string, events: string },
    async run(v) {
      const email = optional(v, "email");
      const webhook = optional(v, "webhook");
      if ((email === undefined) === (webhook === undefined)) throw new AdminError("give exactly one of --email or --webhook");
      const events = optional(v, "events")?.split(",").map((e) => e.trim()).filter(Boolean).map((e) => oneOf(e, ALERT_EVENTS, "--events")) as AlertEventType[] | undefined;
      const { secret, channel } = await createChannel({ name: required(v, "name"), kind: email !== undefined ? "email" : "webhook", target: (email ?? webhook)!, events }, ACTOR);
      const note = secret ? `\nsigning secret (shown only this once): ${secret}` : "";
      return { message: `added alert channel ${channel.name} (${channel.id})${note}`, secret, channel };
    },
  }),

  "alert-channel list": command({
    usage: "",
    async run() {
      const channels = await listChannels();
      const lines = channels.map((c) => `${c.id}  ${c.name}  ${c.kind} ${c.target}  ${c.events.length ? c.events.join(",") : "all events"}${c.enabled ? "" : "  (disabled)"}`);
      return { message: lines.join("\n") || "no alert channels", channels };
    },
  }),

  "alert-channel remove": command({
    usage: "<channel id>",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one alert channel id");
      const channel = await deleteChannel(positionals[0]!, ACTOR);
      return { message: `removed alert channel ${channel.name}`, channel };
    },
  }),

  "alert test": command({
    usage: "<channel id>   (sends a test alert and waits for its first attempt)",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one alert channel id");
      return deliveryOutcome(await sendTestAlert(positionals[0]!, ACTOR));
    },
  }),

  "alert deliveries": command({
    usage: "[--status pending|delivered|failed] [--channel ID] [--limit N]",
    options: { status: string, channel: string, limit: string },
    async run(v) {
      const status = optional(v, "status");
      const { deliveries } = await listDeliveries(
        { status: status === undefined ? undefined : oneOf(status, ["pending", "delivered", "failed"] as const, "--status"), channelId: optional(v, "channel") },
        { limit: Math.min(integer(v, "limit") ?? 50, 200) },
      );
      const lines = deliveries.map((d) => `${d.id}  ${d.createdAt.toISOString()}  ${d.event}  ${d.status} after ${d.attempts} attempt(s)${d.lastError ? `  ${d.lastError}` : ""}`);
      return { message: lines.join("\n") || "no alert deliveries", deliveries };
    },
  }),

  "alert replay": command({
    usage: "<delivery id>   (sends an alert again and waits for its first attempt)",
    positionals: true,
    async run(_v, positionals) {
      if (positionals.length !== 1) throw new AdminError("give exactly one alert delivery id");
      return deliveryOutcome(await replayDelivery(positionals[0]!, ACTOR));
    },
  }),

  "credits reconcile": command({
    usage: "",
    options: {},
    async run() {
      const wrong = await reconcileLedger();
      if (wrong.length) {
        throw new AdminError(
          `${wrong.length} account(s) do not reconcile: ${wrong
            .slice(0, 20)
            .map((d) => `${d.accountId} balance ${formatCredits(d.balanceMicrocredits)}, ledger ${formatCredits(d.ledgerMicrocredits)}, grants ${formatCredits(d.grantsMicrocredits)}`)
            .join("; ")}`,
        );
      }
      return { message: "every balance equals its ledger and its grants", discrepancies: [] };
    },
  }),

  "codes mint": command({
    usage: "--amount N [--count C] [--max-uses U] [--per-customer P] [--credit-expiry-days D] [--expires-at ISO-DATE] [--batch B] [--note TEXT]",
    options: { amount: string, count: string, "max-uses": string, "per-customer": string, "credit-expiry-days": string, "expires-at": string, batch: string, note: string },
    async run(v) {
      const { batch, codes } = await mintCodes(
        {
          amount: required(v, "amount"),
          count: optional(v, "count"),
          maxUses: optional(v, "max-uses"),
          perCustomerLimit: optional(v, "per-customer"),
          creditExpiryDays: optional(v, "credit-expiry-days"),
          expiresAt: optional(v, "expires-at"),
          batch: optional(v, "batch"),
          note: optional(v, "note"),
        },
        ACTOR,
      );
      return { message: `${codes.map((c) => c.code).join("\n")}\n(minted ${codes.length} code${codes.length === 1 ? "" : "s"}${batch ? ` in ${batch}` : ""}; they are shown only this once)`, batch, codes };
    },
  }),

  "codes disable": command({
    usage: "<code id> | --batch B",
    options: { batch: string },
    positionals: true,
    async run(v, positionals) {
      const batch = optional(v, "batch");
      if (batch !== undefined && positionals.length === 0) return { message: `disabled ${await disableBatch(batch, ACTOR)} codes of ${batch}` };
      if (batch === undefined && positionals.length === 1) {
        const code = await disableCode(positionals[0]!, ACTOR);
        return { message: `disabled ${code.prefix}…`, code };
      }
      throw new AdminError("give one code id, or --batch");
    },
  }),

  "credits grant": command({
    usage: "(--user E | --team T) --amount N [--kind grant|adjustment|refund] [--note TEXT] [--reference R] [--expires-in-days D]",
    options: { user: string, team: string, amount: string, kind: string, note: string, reference: string, "expires-in-days": string },
    async run(v) {
      const kind = oneOf(optional(v, "kind") ?? "grant", ["grant", "adjustment", "refund"] as const, "--kind");
      const result = await grantCredits(
        {
          userEmail: optional(v, "user"),
          teamName: optional(v, "team"),
          amount: required(v, "amount"),
          kind,
          note: optional(v, "note"),
          reference: optional(v, "reference"),
          expiresInDays: optional(v, "expires-in-days") === undefined ? undefined : Number(optional(v, "expires-in-days")),
        },
        ACTOR,
      );
      return {
        message: result.applied ? `granted ${required(v, "amount")} credits; balance ${result.balance}` : `already applied (${result.reference}); balance ${result.balance}`,
        ...result,
      };
    },
  }),

  "credits statement": command({
    usage: "(--user E | --team T) [--month YYYY-MM] [--csv]   (a month's statement; --csv prints the customer's CSV)",
    options: { user: string, team: string, month: string, csv: { type: "boolean" } },
    async run(v) {
      const month = optional(v, "month") ?? currentMonth();
      const parsed = monthSchema.safeParse(month);
      if (!parsed.success) throw new AdminError(`--month ${parsed.error.issues[0]!.message}`);
      const account = await findCreditAccount({ userEmail: optional(v, "user"), teamName: optional(v, "team") });
      const s = await statement(account.id, month);
      const message = v.csv === true ? (await new Response(csvBody(statementRows(s), STATEMENT_COLUMNS)).text()).trimEnd() : statementText(s);
      return { message, statement: s };
    },
  }),
};
