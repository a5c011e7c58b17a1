import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { requireAdmin } from "@/lib/auth/session";
import { site } from "@/lib/dal/site";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // the server refuses members (403) before any admin page renders
  const user = await requireAdmin();
  return <AppShell user={user} site={await site()}>{children}</AppShell>;
}
