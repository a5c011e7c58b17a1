import { z } from "zod";
import { db } from "../db/client";
import { csvBody } from "../http/csv";
import { pageArgs, pageOf, type PageRequest } from "../db/page";
import { ACTOR_TYPES, AUDIT_SOURCES, type ActorType, type AuditSource } from "./audit";

// Reading the audit log: the admin page, its CSV export and GET /api/admin/v1/audit filter it alike.

export const auditFilterSchema = z.object({
  actor: z.string().max(128).optional(),
  actorType: z.enum(ACTOR_TYPES).optional(),
  source: z.enum(AUDIT_SOURCES).optional(),
  /** an action ("key.create") or, ending in ".", every action of an entity ("key.") */
  action: z.string().max(64).optional(),
  entity: z.string().max(64).optional(),
  target: z.string().max(128).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

const where = (f: AuditFilter) => ({
  ...(f.actor ? { actor: f.actor } : {}),
  ...(f.actorType ? { actorType: f.actorType } : {}),
  ...(f.source ? { source: f.source } : {}),
  ...(f.action ? (f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action }) : {}),
  ...(f.entity ? { entity: f.entity } : {}),
  ...(f.target ? { target: f.target } : {}),
  ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
});

/** Entries matching the filter, newest first: one page's rows as lib/db/page.ts fetches them. */
export function auditEntries(filter: AuditFilter, page: PageRequest) {
  return db().auditLog.findMany({ where: where(filter), orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(page) });
}

type Row = Awaited<ReturnType<typeof auditEntries>>[number];

const parsed = (value: string | null): unknown => (value === null ? null : JSON.parse(value));

export const auditView = (row: Row) => ({
  id: row.id,
  createdAt: row.createdAt,
  actor: row.actor,
  actorType: row.actorType as ActorType,
  source: row.source as AuditSource,
  ip: row.ip,
  action: row.action,
  entity: row.entity,
  target: row.target,
  details: JSON.parse(row.details) as Record<string, unknown>,
  before: parsed(row.before),
  after: parsed(row.after),
});

/** Every matching entry, a thousand rows at a time (keyset pagination: constant memory), for CSV. */
export async function* allAuditEntries(filter: AuditFilter) {
  let cursor: string | null = null;
  do {
    const page: { rows: Row[]; nextCursor: string | null } = pageOf(await auditEntries(filter, { limit: 1000, cursor: cursor ?? undefined }), 1000);
    for (const row of page.rows) yield auditView(row);
    cursor = page.nextCursor;
  } while (cursor);
}

const CSV_COLUMNS = ["createdAt", "actor", "actorType", "source", "ip", "action", "entity", "target", "details", "before", "after"] as const;

/** The matching entries as CSV, streamed (lib/http/csv.ts makes formula-like cells inert). */
export function auditCsv(filter: AuditFilter): ReadableStream<Uint8Array> {
  async function* rows() {
    for await (const entry of allAuditEntries(filter)) yield { ...entry, before: entry.before === null ? "" : JSON.stringify(entry.before), after: entry.after === null ? "" : JSON.stringify(entry.after) };
  }
  return csvBody(rows(), CSV_COLUMNS);
}
