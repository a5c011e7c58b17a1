import type { ReactNode } from "react";
import { signOutAction } from "@/lib/ui/sign-in-actions";
import type { SessionUser } from "@/lib/auth/session";
import type { Site } from "@/lib/dal/site";
import { Brand } from "./brand";
import { NavLinks, type NavSection } from "./nav-links";
import { ThemeToggle } from "./theme-toggle";
import { Button } from "./ui/button";

const ADMIN: NavSection = {
  title: "Admin",
  items: [
    { href: "/admin", label: "Overview" },
    { href: "/admin/providers", label: "Providers" },
    { href: "/admin/models", label: "Models & prices" },
    { href: "/admin/users", label: "Users & teams" },
    { href: "/admin/groups", label: "Customer groups" },
    { href: "/admin/keys", label: "API keys" },
    { href: "/admin/usage", label: "Usage" },
    { href: "/admin/credits", label: "Credits" },
    { href: "/admin/settings", label: "Settings" },
    { href: "/admin/alerts", label: "Alerts" },
    { href: "/admin/audit", label: "Audit log" },
    { href: "/admin/api", label: "Admin API" },
    { href: "/admin/playground", label: "Playground" },
  ],
};

/** The frame of every signed-in page: brand, navigation for the user's role, theme and sign-out. */
export function AppShell({ user, site: { brand, mode }, children }: { user: SessionUser; site: Site; children: ReactNode }) {
  const account: NavSection = {
    title: "My account",
    items: [
      { href: "/dashboard", label: "Dashboard" },
      { href: "/keys", label: "API keys" },
      { href: "/usage", label: "Usage" },
      ...(mode === "service_provider" ? [{ href: "/billing", label: "Billing" }] : []),
      { href: "/quickstart", label: "Quickstart" },
      { href: "/pricing", label: "Pricing" },
      { href: "/security", label: "Security" },
    ],
  };
  const sections = user.role === "admin" ? [ADMIN, account] : [account];
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-40 flex h-14 items-center gap-3 border-b border-border bg-background/90 px-4 backdrop-blur print:hidden">
        <Brand brand={brand} href={user.role === "admin" ? "/admin" : "/dashboard"} />
        <div className="ml-auto flex items-center gap-2">
          <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="signed-in-as">
            {user.email}
          </span>
          <ThemeToggle />
          <form action={signOutAction}>
            <Button variant="outline" size="sm" type="submit">
              Sign out
            </Button>
          </form>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6">
        <aside className="hidden w-48 shrink-0 md:block print:hidden">
          <div className="sticky top-20">
            <NavLinks sections={sections} />
          </div>
        </aside>
        <main className="flex min-w-0 flex-1 flex-col gap-6">
          <div className="md:hidden print:hidden">
            <NavLinks sections={sections} compact />
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
