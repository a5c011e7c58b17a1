import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { Button } from "@/components/ui/button";
import { signInWithSso } from "@/lib/ui/sign-in-actions";
import { currentUser } from "@/lib/auth/session";
import { site } from "@/lib/dal/site";
import { env } from "@/lib/env";
import { settings } from "@/lib/settings";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

/** What a failed sign-in that came back through Auth.js's redirect (SSO, or a form posted without JavaScript) shows. */
function signInError(error: string, code: string | undefined): string {
  if (code === "throttled") return "Too many attempts; try again later.";
  if (error === "CredentialsSignin") return "Wrong email or password (or two-factor code), or the account is not active.";
  return `Single sign-on did not complete (${error}).`;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string; code?: string }> }) {
  const user = await currentUser();
  if (user) redirect(user.role === "admin" ? "/admin" : "/dashboard");
  const { next, error, code } = await searchParams;
  const { AUTH_OIDC_ISSUER, AUTH_OIDC_NAME } = env();
  const [{ mode, signUpEnabled }, { brand }] = await Promise.all([settings(), site()]);
  return (
    <AuthCard brand={brand} title="Sign in" description="Use your email and password.">
      <div className="flex flex-col gap-4">
        {error && <p className="text-sm text-destructive">{signInError(error, code)}</p>}
        <SignInForm next={next} />
        {AUTH_OIDC_ISSUER && (
          <form action={signInWithSso}>
            <Button variant="outline" className="w-full" type="submit">
              Continue with {AUTH_OIDC_NAME}
            </Button>
          </form>
        )}
        {mode === "service_provider" && signUpEnabled && (
          <p className="text-center text-sm text-muted-foreground">
            New here?{" "}
            <Link href="/sign-up" className="text-primary hover:underline">
              Create an account
            </Link>
          </p>
        )}
      </div>
    </AuthCard>
  );
}
