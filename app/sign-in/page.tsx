import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "@/components/auth-card";
import { Button } from "@/components/ui/button";
import { signInWithSso } from "@/lib/ui/sign-in-actions";
import { currentUser } from "@/lib/auth/session";
import { site } from "@/lib/dal/site";
import { env } from "@/lib/env";
import { settings } from "@/lib/settings";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("auth.signIn"))("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string; code?: string }> }) {
  const user = await currentUser();
  if (user) redirect(user.role === "admin" ? "/admin" : "/dashboard");
  const { next, error, code } = await searchParams;
  const { AUTH_OIDC_ISSUER, AUTH_OIDC_NAME } = env();
  const [{ mode, signUpEnabled }, { brand }, t] = await Promise.all([settings(), site(), getTranslations("auth.signIn")]);
  // what a failed sign-in that came back through Auth.js's redirect (SSO, or a form posted without JavaScript) shows
  const failure = !error ? null : code === "throttled" ? t("throttled") : error === "CredentialsSignin" ? t("failed") : t("ssoFailed", { error });
  return (
    <AuthCard brand={brand} title={t("title")} description={t("description")}>
      <div className="flex flex-col gap-4">
        {failure && <p className="text-sm text-destructive">{failure}</p>}
        <SignInForm next={next} />
        {AUTH_OIDC_ISSUER && (
          <form action={signInWithSso}>
            <Button variant="outline" className="w-full" type="submit">
              {t("sso", { name: AUTH_OIDC_NAME })}
            </Button>
          </form>
        )}
        {mode === "service_provider" && signUpEnabled && (
          <p className="text-center text-sm text-muted-foreground">
            {t("newHere")}{" "}
            <Link href="/sign-up" className="text-primary hover:underline">
              {t("createAccount")}
            </Link>
          </p>
        )}
      </div>
    </AuthCard>
  );
}
