import { z } from "zod";
import { ACTOR_TYPES, AUDIT_SOURCES } from "../../admin/audit";
import { auditEntries, auditFilterSchema, auditView } from "../../admin/audit-log";
import { dateTime, listOf, page, pageQuery, route } from "../define";

export const auditEntrySchema = z.object({
  id: z.string(),
  createdAt: dateTime,
  actor: z.string(),
  actorType: z.enum(ACTOR_TYPES),
  source: z.enum(AUDIT_SOURCES),
  ip: z.string().nullable(),
  action: z.string(),
  entity: z.string().nullable(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});

export const auditRoutes = [
  route({
    method: "get",
    path: "/audit",
    scope: "read",
    tag: "Audit log",
    summary: "Every change to the hub, newest first: who, what (before and after, secrets masked), when and from where",
    query: pageQuery.extend(auditFilterSchema.shape),
    response: listOf(auditEntrySchema),
    handler: async ({ query }) => page(await auditEntries(query, query), query.limit, auditView),
  }),
];
