import { z } from "zod";
import { NO_UNITS, type MeteredUnits } from "./cost";
import { db } from "../db/client";
import { ApiError } from "../http/api-error";
import { csvBody } from "../http/csv";
import { Reply } from "../http/reply";
import { formatCredits, formatMinorUnits } from "../money";

// A customer's monthly statement, read from the ledger (UTC months): the opening balance, top-ups
// with their receipts, usage by model (with the units it was metered in), grants and every other movement, and the closing balance.
// Opening plus the month's movements is the closing balance, by construction of the ledger.

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11");

export const currentMonth = (now = new Date()) => now.toISOString().slice(0, 7);

function monthRange(month: string) {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, m - 1, 1)), end: new Date(Date.UTC(year, m, 1)) };
}

type SumRow = { total: bigint | number | string | null };
type Sum = bigint | number | string | null;
type ModelRow = { model: string; calls: bigint | number; promptTokens: Sum; completionTokens: Sum; images: Sum; audioMs: Sum; characters: Sum; videoMs: Sum; credits: Sum };

const big = (value: bigint | number | string | null | undefined) => BigInt(value ?? 0);

/** Credits booked to the account before `before`: its balance at that instant. */
async function balanceAt(accountId: string, before: Date): Promise<bigint> {
  const [row] = await db().$queryRaw<SumRow[]>`SELECT CAST(SUM("amountMicrocredits") AS BIGINT) AS "total" FROM "CreditTransaction" WHERE "accountId" = ${accountId} AND "createdAt" < ${before}`;
  return big(row?.total);
}

/** What a model's calls were metered in: tokens, and the units audio, speech, image and video models are charged by. */
export type StatementUnits = MeteredUnits;

const NOTHING_METERED: StatementUnits = { ...NO_UNITS, promptTokens: 0, completionTokens: 0 };

/** Usage charged in the month per model, with the units it was metered in; each usage entry names its call (reference usage:<request id>). */
async function usageByModel(accountId: string, start: Date, end: Date) {
  const rows = await db().$queryRaw<ModelRow[]>`
    SELECT u."requestedModel" AS "model", COUNT(*) AS "calls", SUM(u."promptTokens") AS "promptTokens", SUM(u."completionTokens") AS "completionTokens",
           SUM(u."images") AS "images", SUM(u."audioMs") AS "audioMs", SUM(u."characters") AS "characters", SUM(u."videoMs") AS "videoMs",
           CAST(SUM(-t."amountMicrocredits") AS BIGINT) AS "credits"
    FROM "CreditTransaction" t JOIN "UsageEvent" u ON u."requestId" = SUBSTR(t."reference", 7)
    WHERE t."accountId" = ${accountId} AND t."kind" = 'usage' AND t."createdAt" >= ${start} AND t."createdAt" < ${end}
    GROUP BY u."requestedModel" ORDER BY "credits" DESC`;
  return rows.map((r) => ({
    model: r.model,
    calls: Number(r.calls),
    promptTokens: Number(r.promptTokens ?? 0),
    completionTokens: Number(r.completionTokens ?? 0),
    images: Number(r.images ?? 0),
    audioMs: Number(r.audioMs ?? 0),
    characters: Number(r.characters ?? 0),
    videoMs: Number(r.videoMs ?? 0),
    microcredits: big(r.credits),
  }));
}

export type Statement = Awaited<ReturnType<typeof statement>>;

/** The statement of one account for one month. */
export async function statement(accountId: string, month: string) {
  const { start, end } = monthRange(month);
  const [account, opening, closing, entries, payments, usage] = await Promise.all([
    db().creditAccount.findUniqueOrThrow({ where: { id: accountId }, select: { id: true, user: { select: { email: true, name: true } }, team: { select: { name: true } } } }),
    balanceAt(accountId, start),
    balanceAt(accountId, end),
    db().creditTransaction.findMany({ where: { accountId, kind: { not: "usage" }, createdAt: { gte: start, lt: end } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db().payment.findMany({ where: { accountId, status: "paid", paidAt: { gte: start, lt: end } }, orderBy: { paidAt: "asc" } }),
    usageByModel(accountId, start, end),
  ]);
  const usageTotal = usage.reduce((sum, u) => sum + u.microcredits, 0n);
  // usage entries whose call has no usage event (pruned by retention) still count, unattributed
  const [booked] = await db().$queryRaw<SumRow[]>`SELECT CAST(SUM("amountMicrocredits") AS BIGINT) AS "total" FROM "CreditTransaction" WHERE "accountId" = ${accountId} AND "kind" = 'usage' AND "createdAt" >= ${start} AND "createdAt" < ${end}`;
  const unattributed = -big(booked?.total) - usageTotal;
  if (unattributed !== 0n) usage.push({ model: "(calls no longer in the usage log)", calls: 0, ...NOTHING_METERED, microcredits: unattributed });
  return {
    month,
    start,
    end,
    owner: account.user?.email ?? (account.team ? `team ${account.team.name}` : account.id),
    openingMicrocredits: opening,
    closingMicrocredits: closing,
    topUps: payments.map((p) => ({
      id: p.id,
      paidAt: p.paidAt!,
      kind: p.kind,
      amount: formatMinorUnits(p.amountCents, p.currency),
      microcredits: p.creditsMicrocredits,
      refunded: p.refundedCents > 0 ? formatMinorUnits(p.refundedCents, p.currency) : null,
      receiptUrl: p.receiptUrl,
      invoiceUrl: p.invoiceUrl,
    })),
    usage,
    usageMicrocredits: -big(booked?.total),
    /** grants, codes, expiries, refunds, disputes, adjustments — everything but top-ups and usage */
    movements: entries.filter((e) => e.kind !== "topup").map((e) => ({ at: e.createdAt, kind: e.kind, note: e.note, microcredits: e.amountMicrocredits })),
    topUpMicrocredits: entries.filter((e) => e.kind === "topup").reduce((sum, e) => sum + e.amountMicrocredits, 0n),
  };
}

/** The statement as CSV rows: one per line item, opening and closing balances included. */
export async function* statementRows(s: Statement) {
  // credits as a number: a spreadsheet sums it, and the CSV writer leaves a negative number as it is
  // (a text cell starting with "-" would be escaped as a formula); 15 significant digits are exact
  const row = (section: string, date: Date | null, item: string, quantity: string, microcredits: bigint) => ({ section, date: date ?? "", item, quantity, credits: Number(formatCredits(microcredits)) });
  yield row("opening_balance", s.start, s.owner, "", s.openingMicrocredits);
  for (const t of s.topUps) yield row("top_up", t.paidAt, `${t.kind === "recharge" ? "auto-recharge" : "top-up"} ${t.amount}${t.refunded ? ` (refunded ${t.refunded})` : ""}`, "", t.microcredits);
  // a usage row also says what its calls were metered in; audio and video in seconds (to the millisecond)
  for (const u of s.usage) {
    yield {
      ...row("usage", null, u.model, String(u.calls), -u.microcredits),
      input_tokens: u.promptTokens,
      output_tokens: u.completionTokens,
      images: u.images,
      audio_seconds: u.audioMs / 1000,
      characters: u.characters,
      video_seconds: u.videoMs / 1000,
    };
  }
  for (const m of s.movements) yield row(m.kind, m.at, m.note ?? "", "", m.microcredits);
  yield row("closing_balance", s.end, s.owner, "", s.closingMicrocredits);
}

// new columns go last (filled on usage rows only), so spreadsheets that read the columns by position keep working
export const STATEMENT_COLUMNS = ["section", "date", "item", "quantity", "credits", "input_tokens", "output_tokens", "images", "audio_seconds", "characters", "video_seconds"] as const;

export const statementQuerySchema = z.object({ month: monthSchema.default(() => currentMonth()), account: z.string().max(100).optional() });

/** The CSV download of a statement; a caller with no credit account has none. */
export async function statementCsv(accountId: string | null, month: string): Promise<Reply> {
  if (!accountId || !(await db().creditAccount.findUnique({ where: { id: accountId }, select: { id: true } }))) {
    throw new ApiError({ status: 404, type: "not_found_error", code: "account_not_found", message: "There is no credit account to make a statement of." });
  }
  const s = await statement(accountId, month);
  return Reply.stream(csvBody(statementRows(s), STATEMENT_COLUMNS), {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="statement-${month}.csv"`,
  });
}
