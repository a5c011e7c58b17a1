import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Card, CardContent } from "@/components/ui/card";
import { UsageExplorer } from "@/components/usage-explorer";
import { requireAdmin } from "@/lib/auth/session";
import { explorerPage, explorerQuery } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";

export async function generateMetadata() {
  return { title: (await getTranslations("adminOps.usage"))("metaTitle") };
}

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const { query, invalid } = explorerQuery(params);
  const [data, { mode }, t] = await Promise.all([explorerPage(user, query), settings(), getTranslations("adminOps.usage")]);
  const pick = (name: string) => (typeof params[name] === "string" ? (params[name] as string) : undefined);
  // the export gets the query as the page ran it (a date-only "to" already includes its day)
  const { page: _page, pageSize: _size, from, to, ...filters } = query;
  const exportQuery = new URLSearchParams(
    Object.entries({ ...filters, from: from?.toISOString(), to: to?.toISOString() }).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {invalid && <p className="text-sm text-destructive">{t("invalidFilters")}</p>}
      <Card>
        <CardContent className="pt-4">
          <UsageExplorer
            rows={data.rows}
            total={data.total}
            page={query.page}
            pageSize={query.pageSize}
            sort={query.sort}
            order={query.order}
            filters={{ from: pick("from"), to: pick("to"), userId: query.userId, teamId: query.teamId, keyId: query.keyId, model: query.model, provider: query.provider, status: query.status }}
            options={data.options}
            showCharge={mode === "service_provider"}
            exportHref={`/admin/usage/export?${exportQuery.toString()}`}
          />
        </CardContent>
      </Card>
    </>
  );
}
