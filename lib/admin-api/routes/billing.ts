import { z } from "zod";
import { grantCredits } from "../../admin/credits";
import { setMonthlyBudget, setRateLimits, type LimitTarget } from "../../admin/limits";
import { db } from "../../db/client";
import { ApiError } from "../../http/api-error";
import { formatCredits, formatUsd } from "../../money";
import { refundTopUp } from "../../admin/payments";
import { REFUND_REASONS } from "../../billing/refunds";
import { monthSchema, statement } from "../../billing/statements";
import { dateTime, idParams, listOf, page, pageArgs, pageQuery, route } from "../define";

const cents = z.number().int().describe("in the currency's minor unit (cents)");

const paymentSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  kind: z.enum(["checkout", "recharge"]),
  status: z.string().describe("pending | paid | failed | expired | requires_action"),
  amountCents: cents,
  currency: z.string(),
  credits: z.string(),
  refundedCents: cents,
  disputedCents: cents,
  failureMessage: z.string().nullable(),
  receiptUrl: z.string().nullable(),
  invoiceUrl: z.string().nullable(),
  createdAt: dateTime,
  paidAt: dateTime.nullable(),
});


const statementSchema = z.object({
  month: z.string(),
  owner: z.string(),
  openingCredits: z.string(),
  topUpCredits: z.string(),
  usageCredits: z.string(),
  closingCredits: z.string(),
  topUps: z.array(z.object({ id: z.string(), paidAt: dateTime, kind: z.string(), amount: z.string(), credits: z.string(), refunded: z.string().nullable(), receiptUrl: z.string().nullable(), invoiceUrl: z.string().nullable() })),
  usage: z.array(
    z.object({
      model: z.string(),
      calls: z.number().int(),
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      // the units besides tokens: images generated, milliseconds of audio, characters spoken, milliseconds of video
      images: z.number().int(),
      audioMs: z.number().int(),
      characters: z.number().int(),
      videoMs: z.number().int(),
      credits: z.string(),
    }),
  ),
  movements: z.array(z.object({ at: dateTime, kind: z.string(), note: z.string().nullable(), credits: z.string() })),
});

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
    method: "get",
    path: "/payments",
    scope: "read",
    tag: "Credits",
    summary: "Top-ups and auto-recharges, newest first, with refunds, disputes and Stripe's receipt and invoice",
    query: pageQuery.extend({ accountId: z.string().max(128).optional(), status: z.string().max(20).optional() }),
    response: listOf(paymentSchema),
    handler: async ({ query }) => {
      const where = { ...(query.accountId ? { accountId: query.accountId } : {}), ...(query.status ? { status: query.status } : {}) };
      const rows = await db().payment.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(query) });
      return page(rows, query.limit, (p) => ({
        id: p.id,
        accountId: p.accountId,
        kind: p.kind as "checkout" | "recharge",
        status: p.status,
        amountCents: p.amountCents,
        currency: p.currency,
        credits: formatCredits(p.creditsMicrocredits),
        refundedCents: p.refundedCents,
        disputedCents: p.disputedCents,
        failureMessage: p.failureMessage,
        receiptUrl: p.receiptUrl,
        invoiceUrl: p.invoiceUrl,
        createdAt: p.createdAt,
        paidAt: p.paidAt,
      }));
    },
  }),
  route({
    method: "post",
    path: "/payments/{id}/refund",
    scope: "billing",
    tag: "Credits",
    summary: "Refund a paid top-up through Stripe; the credits it bought are taken back in proportion (the balance may go negative)",
    params: idParams,
    body: z.object({
      amountCents: z.number().int().positive().optional().describe("how much to refund, in cents; absent: all that was not refunded yet"),
      reason: z.enum(REFUND_REASONS),
      note: z.string().max(500).optional(),
    }),
    response: z.object({ paymentId: z.string(), refundedCents: cents.describe("the payment's refunded total"), amountCents: cents.describe("this refund") }),
    idempotent: true,
    handler: async ({ params, body, caller }) => refundTopUp({ paymentId: params.id, ...body }, caller.actor),
  }),
  route({
    method: "get",
    path: "/accounts/{id}/statement",
    scope: "read",
    tag: "Credits",
    summary: "A credit account's monthly statement: opening balance, top-ups, usage by model, grants and other movements, closing balance",
    params: idParams,
    query: z.object({ month: monthSchema }),
    response: statementSchema,
    handler: async ({ params, query }) => {
      if (!(await db().creditAccount.findUnique({ where: { id: params.id }, select: { id: true } }))) {
        throw new ApiError({ status: 404, type: "not_found_error", code: "account_not_found", message: `No credit account '${params.id}'.` });
      }
      const s = await statement(params.id, query.month);
      return {
        month: s.month,
        owner: s.owner,
        openingCredits: formatCredits(s.openingMicrocredits),
        topUpCredits: formatCredits(s.topUpMicrocredits),
        usageCredits: formatCredits(s.usageMicrocredits),
        closingCredits: formatCredits(s.closingMicrocredits),
        topUps: s.topUps.map(({ microcredits, ...t }) => ({ ...t, credits: formatCredits(microcredits) })),
        usage: s.usage.map(({ microcredits, ...u }) => ({ ...u, credits: formatCredits(microcredits) })),
        movements: s.movements.map(({ microcredits, ...m }) => ({ ...m, credits: formatCredits(microcredits) })),
      };
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
