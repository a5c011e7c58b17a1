import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { StatementView } from "@/components/billing/statement-view";
import { requireUser } from "@/lib/auth/session";
import { currentMonth, monthSchema } from "@/lib/billing/statements";
import { myStatement } from "@/lib/dal/account";

export async function generateMetadata() {
  return { title: (await getTranslations("billing.statement"))("title") };
}

export default async function StatementPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  const user = await requireUser();
  const asked = monthSchema.safeParse((await searchParams).month);
  const month = asked.success ? asked.data : currentMonth();
  const [statement, t] = await Promise.all([myStatement(user, month), getTranslations("billing.statement")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {statement ? (
        <StatementView statement={statement} csvHref={`/api/me/statement?month=${month}`} />
      ) : (
        <p className="text-sm text-muted-foreground">{t("noAccount")}</p>
      )}
    </>
  );
}
