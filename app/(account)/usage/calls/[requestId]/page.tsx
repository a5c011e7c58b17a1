import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { CallDetailView } from "@/components/call-detail";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { myCall } from "@/lib/dal/account";
import { settings } from "@/lib/settings";

export async function generateMetadata({ params }: { params: Promise<{ requestId: string }> }) {
  return { title: (await getTranslations("requestLogging.call"))("metaTitle", { id: (await params).requestId.slice(0, 64) }) };
}

/** One of the caller's own calls; anyone else's (a team-mate's included) is not found, not refused. */
export default async function MyCallPage({ params }: { params: Promise<{ requestId: string }> }) {
  const user = await requireUser();
  const { requestId } = await params;
  const [detail, { mode }, t] = await Promise.all([myCall(user, requestId), settings(), getTranslations("requestLogging.call")]);
  if (!detail) notFound();
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { id: requestId })}>
        <Button asChild variant="outline" size="sm">
          <Link href="/usage">{t("back")}</Link>
        </Button>
      </PageHeader>
      {/* as the usage table: a reseller's customer sees credits, an enterprise member the cost */}
      <CallDetailView detail={detail} money={{ cost: mode !== "service_provider", charge: mode === "service_provider" }} />
    </>
  );
}
