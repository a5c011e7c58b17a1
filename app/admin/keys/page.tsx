import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { CreateKeyDialog } from "@/components/create-key-dialog";
import { KeysTable } from "@/components/keys-table";
import { Card, CardContent } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { activeUserEmails, listKeys } from "@/lib/dal/admin";
import { createKeyAction, revokeKeyAction } from "./actions";
import { LogLevelDialog } from "../settings/logging-forms";
import { LimitsDialog } from "../users/user-forms";
import { ResponseCacheDialog } from "../response-cache-dialog";

export async function generateMetadata() {
  return { title: (await getTranslations("adminPeople.keys.page"))("metaTitle") };
}

export default async function KeysPage() {
  const user = await requireAdmin();
  const [keys, users, t] = await Promise.all([listKeys(user), activeUserEmails(user), getTranslations("adminPeople.keys.page")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <CreateKeyDialog action={createKeyAction} users={users} cacheOption />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <KeysTable
            keys={keys}
            revoke={revokeKeyAction}
            showOwner
            extra={(k) => (
              <>
                <LimitsDialog target={{ keyId: k.id }} label={t("keyLabel", { name: k.name })} />
                <LogLevelDialog target={{ keyId: k.id }} label={t("keyLabel", { name: k.name })} level={k.logLevel} />
                <ResponseCacheDialog target={{ keyId: k.id }} on={k.responseCache} label={t("keyLabel", { name: k.name })} />
              </>
            )}
          />
        </CardContent>
      </Card>
      {keys.some((k) => k.monthlyBudgetUsd || k.rpm || k.tpm) && (
        <p className="text-xs text-muted-foreground">
          {t("ownLimits")}{" "}
          {keys
            .filter((k) => k.monthlyBudgetUsd || k.rpm || k.tpm)
            .map(
              (k) =>
                `${k.name} (${[k.monthlyBudgetUsd && t("perMonth", { amount: `$${k.monthlyBudgetUsd}` }), k.rpm && t("rpm", { count: k.rpm }), k.tpm && t("tpm", { count: k.tpm })].filter(Boolean).join(", ")})`,
            )
            .join("; ")}
        </p>
      )}
    </>
  );
}
