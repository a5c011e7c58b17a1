import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth-card";
import { formatCredits } from "@/lib/money";
import { signUpClosedReason } from "@/lib/auth/sign-up";
import { site } from "@/lib/dal/site";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";
import { SignUpForm } from "./sign-up-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("auth.signUp"))("title") };
}

export default async function SignUpPage() {
  const [{ starterMicrocredits }, { brand }, t, locale] = await Promise.all([settings(), site(), getTranslations("auth.signUp"), getLocale()]);
  const closed = await signUpClosedReason();
  if (closed) {
    return (
      <AuthCard brand={brand} title={t("closedTitle")} description={closed === "closed" ? t("closed") : t("noMail")}>
        <Link href="/sign-in" className="text-sm text-primary hover:underline">
          {t("backToSignIn")}
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      brand={brand}
      title={t("title")}
      description={starterMicrocredits > 0n ? t("starter", { credits: formats(locale).credits(formatCredits(starterMicrocredits)) }) : t("noStarter")}
    >
      <SignUpForm />
      <p className="mt-4 text-center text-sm text-muted-foreground">
        {t("haveAccount")}{" "}
        <Link href="/sign-in" className="text-primary hover:underline">
          {t("signIn")}
        </Link>
      </p>
    </AuthCard>
  );
}
