import { assertAdmin, type Caller } from "../caller";
import { db } from "../db/client";
import { formatCredits } from "../money";

/** The newest ledger transactions of every account (or one), with whose account each is. */
export async function ledgerPage(caller: Caller, options: { page: number; pageSize: number; accountId?: string; kind?: string }) {
  assertAdmin(caller, "the ledger");
  const where = { ...(options.accountId ? { accountId: options.accountId } : {}), ...(options.kind ? { kind: options.kind } : {}) };
  const [rows, total] = await Promise.all([
    db().creditTransaction.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      include: { account: { select: { user: { select: { email: true } }, team: { select: { name: true } } } } },
    }),
    db().creditTransaction.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((t) => ({
      id: t.id,
      createdAt: t.createdAt,
      account: t.account.user?.email ?? (t.account.team ? `team ${t.account.team.name}` : "—"),
      kind: t.kind,
      amountCredits: formatCredits(t.amountMicrocredits),
      reference: t.reference,
      note: t.note,
      by: t.createdById,
    })),
  };
}
