"use client";

import { CheckIcon, CopyIcon, DownloadIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "./ui/button";

/** Secrets shown once (a batch of codes): listed, copied all at once, or saved as a one-column CSV. */
export function SecretList({ secrets, label, fileName }: { secrets: string[]; label: string; fileName: string }) {
  const [copied, setCopied] = useState(false);
  const t = useTranslations("common.secret");
  const download = () => {
    // made in the browser: the codes never travel to the server again
    const url = URL.createObjectURL(new Blob([`code\n${secrets.join("\n")}\n`], { type: "text/csv" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 p-3">
      <p className="text-sm font-medium">{label}</p>
      <pre className="max-h-64 overflow-auto rounded bg-background px-2 py-1.5 font-mono text-xs" data-testid="secrets">
        {secrets.join("\n")}
      </pre>
      <div className="flex gap-2">
        <Button type="button" variant="outline" size="sm" onClick={download}>
          <DownloadIcon /> {t("downloadCsv")}
        </Button>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(secrets.join("\n"));
            setCopied(true);
          }}
        >
          {copied ? <CheckIcon /> : <CopyIcon />} {t("copyAll")}
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">{t("notStoredMany")}</p>
    </div>
  );
}
