import { AsyncLocalStorage } from "node:async_hooks";
import type { Tx } from "../db/client";

/** Who made an operator change: a user id, `token:<admin token id>`, "cli", or "system"/"bootstrap". */
export type Actor = string;

export const AUDIT_SOURCES = ["page", "cli", "api", "import", "system"] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];
export const ACTOR_TYPES = ["user", "admin_token", "cli", "system"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** The front end a change comes through and the client's address, set once by that front end. */
export interface AuditOrigin {
  source: AuditSource;
  ip: string | null;
}

const origins = new AsyncLocalStorage<AuditOrigin>();

/** Runs `work` with every audit entry it writes attributed to this front end and address. */
export const withAuditOrigin = <T>(origin: AuditOrigin, work: () => Promise<T>): Promise<T> => origins.run(origin, work);

/** The same origin with another source (an import run from a page or the API is an import). */
export const asSource = <T>(source: AuditSource, work: () => Promise<T>): Promise<T> => withAuditOrigin({ source, ip: origins.getStore()?.ip ?? null }, work);

export const adminTokenActor = (tokenId: string): Actor => `token:${tokenId}`;

export function actorType(actor: Actor): ActorType {
  if (actor === "cli") return "cli";
  if (actor.startsWith("token:")) return "admin_token";
  if (actor === "system" || actor === "bootstrap" || actor === "test") return "system";
  return "user";
}

const SECRET_FIELD = /(secret|password|apikey|api_key|token|hash|privatekey|accesskey)/i;

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
  const origin = origins.getStore() ?? { source: type === "cli" ? "cli" : type === "system" ? "system" : "page", ip: null };
  await tx.auditLog.create({
    data: {
      actor,
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
