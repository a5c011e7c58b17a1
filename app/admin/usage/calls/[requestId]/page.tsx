import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { CallDetailView } from "@/components/call-detail";
import { Button } from "@/components/ui/button";
import { requireAdmin } from "@/lib/auth/session";
import { adminCall } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";

export async function generateMetadata({ params }: { params: Promise<{ requestId: string }> }) {
  return { title: (await getTranslations("requestLogging.call"))("metaTitle", { id: (await params).requestId.slice(0, 64) }) };
}

export default async function AdminCallPage({ params }: { params: Promise<{ requestId: string }> }) {
  const user = await requireAdmin();
  const { requestId } = await params;
  const [detail, { mode }, t] = await Promise.all([adminCall(user, requestId), settings(), getTranslations("requestLogging.call")]);
  if (!detail) notFound();
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { id: requestId })}>
        <Button asChild variant="outline" size="sm">
          <Link href="/admin/usage">{t("back")}</Link>
        </Button>
      </PageHeader>
      <CallDetailView detail={detail} who={detail.who} money={{ cost: true, charge: mode === "service_provider" }} />
    </>
  );
}
