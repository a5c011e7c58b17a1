import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { confirmEmail } from "@/lib/auth/sign-up";
import { site } from "@/lib/dal/site";

export const dynamic = "force-dynamic";
export const metadata = { title: "Confirm your address" };

// GET /verify-email?token=… — the link of the confirmation e-mail. Rendering the page takes the
// token (once): the address is confirmed, the password of that sign-up set, the starter credits booked.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  const result = typeof token === "string" ? await confirmEmail(token) : { ok: false as const };
  const { brand } = await site();
  return (
    <AuthCard
      brand={brand}
      title={result.ok ? "Address confirmed" : "This link does not work"}
      description={result.ok ? `${result.email} is confirmed. Sign in with the password you chose.` : "It was used already, has expired or is not a link we sent. Sign up again to get a new one."}
    >
      <p data-testid="verify-email-result" className="sr-only">
        {result.ok ? "confirmed" : "refused"}
      </p>
      <Link href="/sign-in" className="text-sm text-primary hover:underline">
        Go to sign in
      </Link>
    </AuthCard>
  );
}
