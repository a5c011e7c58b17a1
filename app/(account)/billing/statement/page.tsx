import { PageHeader } from "@/components/app-shell";
import { StatementView } from "@/components/billing/statement-view";
import { requireUser } from "@/lib/auth/session";
import { currentMonth, monthSchema } from "@/lib/billing/statements";
import { myStatement } from "@/lib/dal/account";

export const metadata = { title: "Statement" };

export default async function StatementPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  const user = await requireUser();
  const asked = monthSchema.safeParse((await searchParams).month);
  const month = asked.success ? asked.data : currentMonth();
  const statement = await myStatement(user, month);
  return (
    <>
      <PageHeader title="Statement" description="Your credits in one month: what came in, what your calls used, what is left." />
      {statement ? (
        <StatementView statement={statement} csvHref={`/api/me/statement?month=${month}`} />
      ) : (
        <p className="text-sm text-muted-foreground">You have no credit account yet.</p>
      )}
    </>
  );
}
