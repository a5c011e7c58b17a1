import { AsyncLocalStorage } from "node:async_hooks";
import type { Tx } from "../db/client";

export const AUDIT_SOURCES = ["page", "cli", "api", "import", "system"] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];
export const ACTOR_TYPES = ["user", "admin_token", "cli", "system"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who made a change, with the front end it came through and the client's address. */
export interface AuditActor {
  /** a user's email, `token:<admin token id>`, "cli", or "system"/"bootstrap" */
  id: string;
  source: AuditSource;
  ip: string | null;
}

/**
 * Who made an operator change: an `AuditActor`, or just its id (the CLI and start-up pass "cli" and
 * "bootstrap"; a web page's server action passes the user, its origin set by `withAuditOrigin`).
 */
export type Actor = string | AuditActor;

export const actorId = (actor: Actor): string => (typeof actor === "string" ? actor : actor.id);

// The web UI's server actions run inside Next, which keeps AsyncLocalStorage on anyway; the admin API
// passes an AuditActor instead, so an API-only process never turns on async hooks.
const origins = new AsyncLocalStorage<Omit<AuditActor, "id">>();

/** Runs a server action with every audit entry it writes attributed to the web UI and this address. */
export const withAuditOrigin = <T>(origin: Omit<AuditActor, "id">, work: () => Promise<T>): Promise<T> => origins.run(origin, work);

/** The same actor, its changes recorded as coming through another front end (a config import). */
export const throughSource = (actor: Actor, source: AuditSource): AuditActor => ({ id: actorId(actor), source, ip: typeof actor === "string" ? (origins.getStore()?.ip ?? null) : actor.ip });

export const adminTokenActor = (tokenId: string, ip: string): AuditActor => ({ id: `token:${tokenId}`, source: "api", ip });

export function actorType(actor: Actor): ActorType {
  const id = actorId(actor);
  if (id === "cli") return "cli";
  if (id.startsWith("token:")) return "admin_token";
  if (id === "system" || id === "bootstrap" || id === "test") return "system";
  return "user";
}

// "maxOutputTokens" is not a secret; "token", "apiKey", "secretAccessKey" and "sessionToken" are
const SECRET_FIELD = /^(token|hash)$|secret|password|api_?key|private_?key|session_?token/i;

/** A copy with every field whose name says it holds a secret replaced by "***" (at any depth). */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) && v !== null && v !== undefined ? "***" : maskSecrets(v)]));
  }
  return typeof value === "bigint" ? value.toString() : value;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(maskSecrets(value)));

/**
 * Records an operator change in the same transaction as the change (the table is append-only).
 * `change` carries the entity's fields before and after; secrets in it and in `details` are masked.
 */
export async function audit(
  tx: Tx,
  actor: Actor,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
  change: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  const type = actorType(actor);
  const origin = typeof actor === "object" ? actor : (origins.getStore() ?? { source: type === "cli" ? "cli" : type === "system" ? "system" : "page", ip: null });
  await tx.auditLog.create({
    data: {
      actor: actorId(actor),
      actorType: type,
      source: origin.source,
      ip: origin.ip,
      action,
      entity: action.split(".")[0] ?? null,
      target,
      details: json(details) ?? "{}",
      before: json(change.before),
      after: json(change.after),
    },
  });
}
