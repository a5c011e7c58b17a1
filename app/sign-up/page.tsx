import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { formatCredits } from "@/lib/money";
import { signUpClosedReason } from "@/lib/auth/sign-up";
import { site } from "@/lib/dal/site";
import { settings } from "@/lib/settings";
import { SignUpForm } from "./sign-up-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Create an account" };

export default async function SignUpPage() {
  const [{ starterMicrocredits }, { brand }] = await Promise.all([settings(), site()]);
  const closed = await signUpClosedReason();
  if (closed) {
    return (
      <AuthCard brand={brand} title="Sign-up is closed" description={closed}>
        <Link href="/sign-in" className="text-sm text-primary hover:underline">
          Back to sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      brand={brand}
      title="Create an account"
      description={starterMicrocredits > 0n ? `You start with ${formatCredits(starterMicrocredits)} free credits once you confirm your address.` : "Buy credits after signing up."}
    >
      <SignUpForm />
      <p className="mt-4 text-center text-sm text-muted-foreground">
        Have an account?{" "}
        <Link href="/sign-in" className="text-primary hover:underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
