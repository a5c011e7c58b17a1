"use client";

import { Button } from "../ui/button";

export function PrintButton() {
  return (
    <Button type="button" variant="outline" size="sm" onClick={() => window.print()}>
      Print
    </Button>
  );
}
