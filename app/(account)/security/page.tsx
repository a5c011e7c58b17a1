import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { totpStatus } from "@/lib/auth/totp";
import { TwoFactorForms } from "./two-factor-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("account.security"))("title") };
}

export default async function SecurityPage() {
  const user = await requireUser();
  const [status, t] = await Promise.all([totpStatus(user.id), getTranslations("account.security")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <CardContent className="pt-4">
          <TwoFactorForms status={status} />
        </CardContent>
      </Card>
    </>
  );
}
