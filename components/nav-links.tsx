"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "./ui/cn";

export interface NavItem {
  href: string;
  label: string;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

const active = (pathname: string, href: string) => pathname === href || (href !== "/admin" && pathname.startsWith(`${href}/`));

/** The sidebar on wide screens; a scrolling strip of links on phones. */
export function NavLinks({ sections, label, compact = false }: { sections: NavSection[]; label: string; compact?: boolean }) {
  const pathname = usePathname();
  if (!compact) {
    return (
      <nav aria-label={label} className="flex flex-col gap-6">
        {sections.map((section) => (
          <div key={section.title} className="flex flex-col gap-0.5">
            <p className="px-3 pb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">{section.title}</p>
            {section.items.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active(pathname, item.href) ? "page" : undefined}
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground",
                  active(pathname, item.href) && "bg-muted font-medium text-foreground",
                )}
              >
                {item.label}
              </Link>
            ))}
          </div>
        ))}
      </nav>
    );
  }
  return (
    <nav aria-label={label} className="-mx-4 flex gap-1 overflow-x-auto border-b border-border px-4 pb-2">
        {sections.flatMap((s) => s.items).map((item) => (
          <Link
            key={item.href}
            href={item.href}
            className={cn("shrink-0 rounded-md px-2.5 py-1 text-sm text-muted-foreground", active(pathname, item.href) && "bg-muted font-medium text-foreground")}
          >
            {item.label}
          </Link>
        ))}
    </nav>
  );
}
