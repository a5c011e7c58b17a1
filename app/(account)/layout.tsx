import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { requireUser } from "@/lib/auth/session";
import { site } from "@/lib/dal/site";

export const dynamic = "force-dynamic";

export default async function AccountLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return <AppShell user={user} site={await site()}>{children}</AppShell>;
}
