import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import { signOutAction } from "@/lib/ui/sign-in-actions";
import type { SessionUser } from "@/lib/auth/session";
import type { Site } from "@/lib/dal/site";
import { Brand } from "./brand";
import { LocaleSwitcher } from "./locale-switcher";
import { NavLinks, type NavSection } from "./nav-links";
import { ThemeToggle } from "./theme-toggle";
import { Button } from "./ui/button";

/** The admin section's links; labels are keys of common.nav. */
const ADMIN_LINKS = [
  ["/admin", "adminOverview"],
  ["/admin/providers", "adminProviders"],
  ["/admin/models", "adminModels"],
  ["/admin/users", "adminUsers"],
  ["/admin/groups", "adminGroups"],
  ["/admin/keys", "adminKeys"],
  ["/admin/usage", "adminUsage"],
  ["/admin/credits", "adminCredits"],
  ["/admin/settings", "adminSettings"],
  ["/admin/alerts", "adminAlerts"],
  ["/admin/audit", "adminAudit"],
  ["/admin/api", "adminApi"],
  ["/admin/playground", "adminPlayground"],
] as const;

/** The frame of every signed-in page: brand, navigation for the user's role, language, theme and sign-out. */
export function AppShell({ user, site: { brand, mode }, children }: { user: SessionUser; site: Site; children: ReactNode }) {
  const t = useTranslations("common");
  const admin: NavSection = { title: t("nav.admin"), items: ADMIN_LINKS.map(([href, label]) => ({ href, label: t(`nav.${label}`) })) };
  const account: NavSection = {
    title: t("nav.account"),
    items: [
      { href: "/dashboard", label: t("nav.dashboard") },
      { href: "/keys", label: t("nav.keys") },
      { href: "/usage", label: t("nav.usage") },
      ...(mode === "service_provider" ? [{ href: "/billing", label: t("nav.billing") }] : []),
      { href: "/quickstart", label: t("nav.quickstart") },
      { href: "/pricing", label: t("nav.pricing") },
      { href: "/security", label: t("nav.security") },
    ],
  };
  const sections = user.role === "admin" ? [admin, account] : [account];
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-40 flex h-14 items-center gap-3 border-b border-border bg-background/90 px-4 backdrop-blur print:hidden">
        <Brand brand={brand} href={user.role === "admin" ? "/admin" : "/dashboard"} />
        <div className="ml-auto flex items-center gap-2">
          <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="signed-in-as">
            {user.email}
          </span>
          <LocaleSwitcher />
          <ThemeToggle />
          <form action={signOutAction}>
            <Button variant="outline" size="sm" type="submit">
              {t("shell.signOut")}
            </Button>
          </form>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6">
        <aside className="hidden w-48 shrink-0 md:block print:hidden">
          <div className="sticky top-20">
            <NavLinks sections={sections} label={t("nav.main")} />
          </div>
        </aside>
        <main className="flex min-w-0 flex-1 flex-col gap-6">
          <div className="md:hidden print:hidden">
            <NavLinks sections={sections} label={t("nav.main")} compact />
          </div>
          {children}
        </main>
      </div>
    </div>
  );
}

/** A page's title row: heading, one line of description, actions on the right. */
export function PageHeader({ title, description, children }: { title: string; description?: string; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
      </div>
      {children && <div className="flex flex-wrap gap-2">{children}</div>}
    </div>
  );
}
