import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth-card";
import { confirmEmail } from "@/lib/auth/sign-up";
import { site } from "@/lib/dal/site";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  return { title: (await getTranslations("auth.verify"))("title") };
}

// GET /verify-email?token=… — the link of the confirmation e-mail. Rendering the page takes the
// token (once): the address is confirmed, the password of that sign-up set, the starter credits booked.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  const result = typeof token === "string" ? await confirmEmail(token) : { ok: false as const };
  const { brand } = await site();
  const t = await getTranslations("auth.verify");
  return (
    <AuthCard
      brand={brand}
      title={result.ok ? t("confirmed") : t("broken")}
      description={result.ok ? t("confirmedBody", { email: result.email }) : t("brokenBody")}
    >
      <p data-testid="verify-email-result" className="sr-only">
        {result.ok ? "confirmed" : "refused"}
      </p>
      <Link href="/sign-in" className="text-sm text-primary hover:underline">
        {t("signIn")}
      </Link>
    </AuthCard>
  );
}
