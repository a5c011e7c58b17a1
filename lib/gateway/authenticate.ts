import { ConfigCache } from "../db/change-feed";
import { API_KEY_PREFIX, hashApiKey } from "../crypto/api-key";
import { db } from "../db/client";
import type { Budget } from "../billing/budgets";
import { processSingleton } from "../singleton";
import { ApiError } from "../http/api-error";
import { compileModelPatterns, storedModelPatterns, type ModelMatcher } from "../model-patterns";
import type { Limit } from "./rate-limit";
import type { InboundRequest } from "../http/inbound";
import { REQUEST_LOG_LEVELS, settings, type RequestLogLevel } from "../settings";

/** Who is calling: the API key and the people it belongs to. */
export interface Principal {
  /** null for a signed-in person using the web UI (the playground, checkout) */
  keyId: string | null;
  /** what the log shows for the caller: the key's prefix, or "web" */
  keyPrefix: string;
  userId: string;
  role: "admin" | "member";
  teamId: string | null;
  /** the customer group whose margins and model list apply (the registry holds them); null: none */
  groupId: string | null;
  /** the models the key may call (the group's list applies on top: lib/gateway/route.ts) */
  allowedModels: ModelMatcher;
  expiresAt: Date | null;
  /** the credit account calls are charged to: the team's when the team pools credits, else the user's */
  creditAccountId: string | null;
  /** Enterprise monthly budgets (nano-USD) that apply to this key, narrowest first */
  budgets: Budget[];
  /** requests / tokens per minute of the key, its user and its team */
  limits: Limit[];
  /** what its calls log: the key's level, else its team's, else the hub's setting */
  logLevel: RequestLogLevel;
  /** the key opted its calls into the response cache */
  responseCache: boolean;
}

type KeyLookup = { principal: Principal } | { refused: "revoked" | "disabled" } | null;

const USER_SELECT = {
  id: true,
  email: true,
  role: true,
  disabledAt: true,
  monthlyBudgetNanoUsd: true,
  rpm: true,
  tpm: true,
  groupId: true,
  creditAccount: { select: { id: true } },
  team: { select: { id: true, name: true, poolCredits: true, monthlyBudgetNanoUsd: true, rpm: true, tpm: true, logLevel: true, creditAccount: { select: { id: true } } } },
} as const;

type PrincipalUser = NonNullable<Awaited<ReturnType<typeof findUser>>>;
const findUser = (id: string) => db().user.findUnique({ where: { id }, select: USER_SELECT });

interface PrincipalKey {
  id: string;
  name: string;
  prefix: string;
  teamId: string | null;
  allowedModels: string;
  expiresAt: Date | null;
  monthlyBudgetNanoUsd: bigint | null;
  rpm: number | null;
  tpm: number | null;
  logLevel: string | null;
  responseCache: boolean;
}

/** The caller a key (or, without one, its user signed in on the web) stands for: scopes, budgets, limits. */
function toPrincipal(user: PrincipalUser, key: PrincipalKey | null, hubLogLevel: RequestLogLevel): Principal {
  const { team } = user;
  const budgets: Budget[] = [];
  if (key?.monthlyBudgetNanoUsd != null) budgets.push({ scope: "key", scopeId: key.id, label: key.name, limitNanoUsd: key.monthlyBudgetNanoUsd });
  if (user.monthlyBudgetNanoUsd !== null) budgets.push({ scope: "user", scopeId: user.id, label: user.email, limitNanoUsd: user.monthlyBudgetNanoUsd });
  if (team?.monthlyBudgetNanoUsd != null) budgets.push({ scope: "team", scopeId: team.id, label: team.name, limitNanoUsd: team.monthlyBudgetNanoUsd });
  const limits: Limit[] = [
    ...(key ? [{ scope: "key" as const, scopeId: key.id, label: key.name, rpm: key.rpm, tpm: key.tpm }] : []),
    { scope: "user" as const, scopeId: user.id, label: user.email, rpm: user.rpm, tpm: user.tpm },
    ...(team ? [{ scope: "team" as const, scopeId: team.id, label: team.name, rpm: team.rpm, tpm: team.tpm }] : []),
  ].filter((l) => l.rpm !== null || l.tpm !== null);
  return {
    keyId: key?.id ?? null,
    keyPrefix: key?.prefix ?? "web",
    userId: user.id,
    role: user.role === "admin" ? "admin" : "member",
    teamId: team?.id ?? key?.teamId ?? null,
    groupId: user.groupId,
    allowedModels: key ? storedModelPatterns(key.allowedModels) : compileModelPatterns([]),
    expiresAt: key?.expiresAt ?? null,
    creditAccountId: (team?.poolCredits ? team.creditAccount?.id : user.creditAccount?.id) ?? null,
    budgets,
    limits,
    logLevel: logLevelOf(key?.logLevel ?? user.team?.logLevel) ?? hubLogLevel,
    responseCache: key?.responseCache ?? false,
  };
}

const logLevelOf = (stored: string | null | undefined): RequestLogLevel | null =>
  (REQUEST_LOG_LEVELS as readonly string[]).includes(stored ?? "") ? (stored as RequestLogLevel) : null;

async function lookup(hash: string): Promise<KeyLookup> {
  const key = await db().apiKey.findUnique({ where: { hash }, include: { user: { select: USER_SELECT } } });
  if (!key) return null;
  if (key.revokedAt) return { refused: "revoked" };
  if (key.user.disabledAt) return { refused: "disabled" };
  return { principal: toPrincipal(key.user, key, (await settings()).requestLogging) };
}

/** A signed-in person's principal for calls made from the web UI; null if the user is gone or disabled. */
export async function userPrincipal(userId: string): Promise<Principal | null> {
  const user = await findUser(userId);
  return user && !user.disabledAt ? toPrincipal(user, null, (await settings()).requestLogging) : null;
}

// Unknown keys are cached too, so a flood of bad keys cannot hammer the database; any operator
// change (a new key included) empties the cache within HUB_CONFIG_POLL_MS.
const keys = processSingleton("api-key-cache", () => new ConfigCache<string, KeyLookup>(lookup, { ttlMs: 60_000, maxEntries: 50_000 }));

const unauthorized = (code: string, message: string) => new ApiError({ status: 401, type: "authentication_error", code, message });

export function bearerToken(request: Pick<InboundRequest, "headers">): string | null {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match ? match[1]!.trim() : null;
  }
  return request.headers.get("x-api-key")?.trim() || null;
}

export async function authenticate(request: Pick<InboundRequest, "headers">): Promise<Principal> {
  const token = bearerToken(request);
  if (!token) {
    throw unauthorized("missing_api_key", "You didn't provide an API key. Send it as 'Authorization: Bearer sk-hub-…'.");
  }
  const found = token.startsWith(API_KEY_PREFIX) ? await keys.get(hashApiKey(token)) : null;
  if (!found) throw unauthorized("invalid_api_key", "Incorrect API key provided.");
  if ("refused" in found) {
    throw found.refused === "revoked"
      ? unauthorized("revoked_api_key", "This API key has been revoked.")
      : unauthorized("account_disabled", "The account this API key belongs to is disabled.");
  }
  const { principal } = found;
  if (principal.expiresAt && principal.expiresAt.getTime() <= Date.now()) {
    throw unauthorized("expired_api_key", "This API key has expired.");
  }
  return principal;
}
