import Link from "next/link";
import { settings } from "@/lib/settings";
import { cn } from "./ui/cn";

/** The hub's name and logo, as the admin set them. */
export async function Brand({ className, href = "/" }: { className?: string; href?: string }) {
  const { brandName, brandLogoUrl } = await settings();
  return (
    <Link href={href} className={cn("flex items-center gap-2 font-semibold", className)}>
      {brandLogoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- any URL the admin chose; no image optimisation server
        <img src={brandLogoUrl} alt="" className="size-6 rounded" />
      ) : (
        <span className="flex size-6 items-center justify-center rounded bg-primary text-xs font-bold text-primary-foreground">{brandName.slice(0, 1)}</span>
      )}
      <span data-testid="brand-name">{brandName}</span>
    </Link>
  );
}
