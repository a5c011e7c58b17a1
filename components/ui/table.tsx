import type { ComponentProps } from "react";
import { cn } from "./cn";

export function Table({ className, ...props }: ComponentProps<"table">) {
  return (
    <div className="relative w-full overflow-x-auto">
      <table className={cn("w-full caption-bottom text-sm", className)} {...props} />
    </div>
  );
}

export const TableHeader = ({ className, ...props }: ComponentProps<"thead">) => <thead className={cn("[&_tr]:border-b", className)} {...props} />;
export const TableBody = ({ className, ...props }: ComponentProps<"tbody">) => <tbody className={cn("[&_tr:last-child]:border-0", className)} {...props} />;
export const TableFooter = ({ className, ...props }: ComponentProps<"tfoot">) => <tfoot className={cn("border-t border-border font-medium", className)} {...props} />;
export const TableRow = ({ className, ...props }: ComponentProps<"tr">) => <tr className={cn("border-b border-border transition-colors hover:bg-muted/50", className)} {...props} />;
export const TableHead = ({ className, ...props }: ComponentProps<"th">) => (
  <th className={cn("h-10 px-3 text-left align-middle text-xs font-medium uppercase tracking-wide text-muted-foreground whitespace-nowrap", className)} {...props} />
);
export const TableCell = ({ className, ...props }: ComponentProps<"td">) => <td className={cn("px-3 py-2.5 align-middle", className)} {...props} />;

/** The row a table shows when it has nothing to list. */
export function TableEmpty({ colSpan, children }: { colSpan: number; children: React.ReactNode }) {
  return (
    <TableRow className="hover:bg-transparent">
      <TableCell colSpan={colSpan} className="py-10 text-center text-muted-foreground">
        {children}
      </TableCell>
    </TableRow>
  );
}
