import { PageHeader } from "@/components/app-shell";
import { StatementView } from "@/components/billing/statement-view";
import { requireAdmin } from "@/lib/auth/session";
import { currentMonth, monthSchema } from "@/lib/billing/statements";
import { accountStatement } from "@/lib/dal/admin";

export const metadata = { title: "Statement" };

export default async function AdminStatementPage({ searchParams }: { searchParams: Promise<{ account?: string; month?: string }> }) {
  const admin = await requireAdmin();
  const params = await searchParams;
  const asked = monthSchema.safeParse(params.month);
  const month = asked.success ? asked.data : currentMonth();
  const statement = params.account ? await accountStatement(admin, params.account, month) : null;
  return (
    <>
      <PageHeader title="Statement" description="A customer's credits in one month." />
      {statement ? (
        <StatementView statement={statement} csvHref={`/admin/credits/statement/export?account=${encodeURIComponent(params.account!)}&month=${month}`} />
      ) : (
        <p className="text-sm text-muted-foreground">No such credit account.</p>
      )}
    </>
  );
}
