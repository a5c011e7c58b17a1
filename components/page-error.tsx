"use client";

import { Button } from "./ui/button";

/** A page that failed to load: say so, without internals, and offer to retry. */
export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="flex flex-col items-start gap-3 rounded-xl border border-destructive/40 bg-destructive/5 p-6" role="alert">
      <h1 className="text-lg font-semibold">This page could not be loaded</h1>
      <p className="text-sm text-muted-foreground">
        The hub hit an error{error.digest ? ` (reference ${error.digest})` : ""}; the details are in the server log.
      </p>
      <Button variant="outline" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
