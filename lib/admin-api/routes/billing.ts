import { z } from "zod";
import { grantCredits } from "../../admin/credits";
import { setMonthlyBudget, setRateLimits, type LimitTarget } from "../../admin/limits";
import { db } from "../../db/client";
import { ApiError } from "../../http/api-error";
import { formatCredits, formatUsd } from "../../money";
import { dateTime, listOf, page, pageArgs, pageQuery, route } from "../define";

const ledgerEntrySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  kind: z.string(),
  amountCredits: z.string(),
  reference: z.string(),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: dateTime,
});

/** Exactly one of a user, a team or a key. */
const targetSchema = z
  .object({ userEmail: z.string().max(320).optional(), teamName: z.string().max(63).optional(), keyId: z.string().max(128).optional() })
  .refine((t) => [t.userEmail, t.teamName, t.keyId].filter((v) => v !== undefined).length === 1, "give exactly one of userEmail, teamName or keyId");

const toTarget = (t: z.infer<typeof targetSchema>): LimitTarget => (t.userEmail !== undefined ? { userEmail: t.userEmail } : t.teamName !== undefined ? { teamName: t.teamName } : { keyId: t.keyId! });

export const billingRoutes = [
  route({
    method: "post",
    path: "/credits/grants",
    scope: "billing",
    tag: "Credits",
    summary: "Grant credits to a user or a team (or, as an adjustment, take some away)",
    body: z.object({
      userEmail: z.string().max(320).optional(),
      teamName: z.string().max(63).optional(),
      amount: z.string().max(40).describe('credits as a decimal string, e.g. "25" or "12.5"; negative only for an adjustment'),
      kind: z.enum(["grant", "adjustment", "refund"]).default("grant"),
      note: z.string().max(500).optional(),
      reference: z.string().min(1).max(200).optional().describe("a ledger reference of yours; a grant with a reference already booked is not booked again"),
      expiresInDays: z.number().int().min(1).max(3650).optional().describe("promotional credits: they expire this many days after the grant; spending uses the soonest-expiring credits first"),
    }),
    response: z.object({ applied: z.boolean(), balance: z.string(), reference: z.string(), accountId: z.string() }),
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => grantCredits(body, caller.actor),
  }),
  route({
    method: "get",
    path: "/ledger",
    scope: "read",
    tag: "Credits",
    summary: "The credit ledger, newest first: grants, top-ups, usage, refunds, adjustments",
    query: pageQuery.extend({ accountId: z.string().max(128).optional(), userId: z.string().max(128).optional(), teamId: z.string().max(128).optional(), kind: z.string().max(20).optional() }),
    response: listOf(ledgerEntrySchema),
    handler: async ({ query }) => {
      if ([query.accountId, query.userId, query.teamId].filter(Boolean).length > 1) {
        throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_query", message: "Filter by one of accountId, userId or teamId." });
      }
      const account = query.userId ? { account: { userId: query.userId } } : query.teamId ? { account: { teamId: query.teamId } } : query.accountId ? { accountId: query.accountId } : {};
      const rows = await db().creditTransaction.findMany({ where: { ...account, ...(query.kind ? { kind: query.kind } : {}) }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(query) });
      return page(rows, query.limit, (t) => ({ id: t.id, accountId: t.accountId, kind: t.kind, amountCredits: formatCredits(t.amountMicrocredits), reference: t.reference, note: t.note, createdBy: t.createdById, createdAt: t.createdAt }));
    },
  }),
  route({
    method: "post",
    path: "/budgets",
    scope: "billing",
    tag: "Budgets and limits",
    summary: 'Set (or with "none" remove) the monthly budget in USD of a user, a team or a key',
    body: z.object({ target: targetSchema, monthlyUsd: z.string().max(32) }),
    response: z.object({ target: z.string(), monthlyBudgetUsd: z.string().nullable() }),
    handler: async ({ body, caller }) => {
      const set = await setMonthlyBudget(toTarget(body.target), body.monthlyUsd, caller.actor);
      return { target: set.target, monthlyBudgetUsd: set.monthlyBudgetNanoUsd === null ? null : formatUsd(set.monthlyBudgetNanoUsd) };
    },
  }),
  route({
    method: "post",
    path: "/rate-limits",
    scope: "billing",
    tag: "Budgets and limits",
    summary: 'Set requests and/or tokens per minute of a user, a team or a key ("none" removes one)',
    body: z.object({ target: targetSchema, rpm: z.string().max(12).optional(), tpm: z.string().max(12).optional() }),
    response: z.object({ target: z.string(), rpm: z.number().int().nullable().optional(), tpm: z.number().int().nullable().optional() }),
    handler: async ({ body, caller }) => setRateLimits(toTarget(body.target), { rpm: body.rpm, tpm: body.tpm }, caller.actor),
  }),
];
