import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-primary">403</p>
      <h1 className="text-2xl font-semibold">Administrators only</h1>
      <p className="max-w-sm text-sm text-muted-foreground">Your account cannot open this page. Ask an administrator of this hub if you need access.</p>
      <Link href="/dashboard" className="text-sm text-primary hover:underline">
        Go to your dashboard
      </Link>
    </main>
  );
}
