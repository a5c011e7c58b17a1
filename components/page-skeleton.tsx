import { useTranslations } from "next-intl";
import { Skeleton } from "./ui/skeleton";

/** What a page shows while its data loads. */
export function PageSkeleton() {
  const t = useTranslations("common");
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label={t("loading")}>
      <div className="flex flex-col gap-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
      <Skeleton className="h-72" />
    </div>
  );
}
