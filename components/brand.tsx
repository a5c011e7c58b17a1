import Link from "next/link";
import type { Branding } from "@/lib/dal/site";
import { cn } from "./ui/cn";

/** The hub's name and logo, as the admin set them. */
export function Brand({ brand, className, href = "/" }: { brand: Branding; className?: string; href?: string }) {
  return (
    <Link href={href} className={cn("flex items-center gap-2 font-semibold", className)}>
      {brand.logoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- any URL the admin chose; no image optimisation server
        <img src={brand.logoUrl} alt="" className="size-6 rounded" />
      ) : (
        <span className="flex size-6 items-center justify-center rounded bg-primary text-xs font-bold text-primary-foreground">{brand.name.slice(0, 1)}</span>
      )}
      <span data-testid="brand-name">{brand.name}</span>
    </Link>
  );
}
