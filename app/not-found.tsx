import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-primary">404</p>
      <h1 className="text-2xl font-semibold">Nothing here</h1>
      <Link href="/" className="text-sm text-primary hover:underline">
        Back to the start
      </Link>
    </main>
  );
}
