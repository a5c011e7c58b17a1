/** A titled block of code to copy. */
export function CodeBlock({ title, code }: { title: string; code: string }) {
  return (
    <figure className="overflow-hidden rounded-lg border border-border bg-card">
      <figcaption className="border-b border-border bg-muted px-4 py-2 text-xs font-medium text-muted-foreground">{title}</figcaption>
      <pre className="overflow-x-auto p-4 font-mono text-[13px] leading-relaxed text-foreground">{code}</pre>
    </figure>
  );
}
