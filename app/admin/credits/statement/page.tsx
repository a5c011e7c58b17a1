import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { StatementView } from "@/components/billing/statement-view";
import { requireAdmin } from "@/lib/auth/session";
import { currentMonth, monthSchema } from "@/lib/billing/statements";
import { accountStatement } from "@/lib/dal/admin";

export async function generateMetadata() {
  return { title: (await getTranslations("adminBilling.statement"))("title") };
}

export default async function AdminStatementPage({ searchParams }: { searchParams: Promise<{ account?: string; month?: string }> }) {
  const admin = await requireAdmin();
  const params = await searchParams;
  const asked = monthSchema.safeParse(params.month);
  const month = asked.success ? asked.data : currentMonth();
  const [statement, t] = await Promise.all([params.account ? accountStatement(admin, params.account, month) : null, getTranslations("adminBilling.statement")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {statement ? (
        <StatementView statement={statement} csvHref={`/admin/credits/statement/export?account=${encodeURIComponent(params.account!)}&month=${month}`} />
      ) : (
        <p className="text-sm text-muted-foreground">{t("noAccount")}</p>
      )}
    </>
  );
}
