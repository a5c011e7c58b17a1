import { PageHeader } from "@/components/app-shell";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { totpStatus } from "@/lib/auth/totp";
import { TwoFactorForms } from "./two-factor-forms";

export const metadata = { title: "Security" };

export default async function SecurityPage() {
  const user = await requireUser();
  const status = await totpStatus(user.id);
  return (
    <>
      <PageHeader title="Security" description="Two-factor sign-in: after your password, a six-digit code from an authenticator app." />
      <Card>
        <CardContent className="pt-4">
          <TwoFactorForms status={status} />
        </CardContent>
      </Card>
    </>
  );
}
