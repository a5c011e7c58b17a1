import { PageHeader } from "@/components/app-shell";
import { CreateKeyDialog } from "@/components/create-key-dialog";
import { KeysTable } from "@/components/keys-table";
import { Card, CardContent } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { activeUserEmails, listKeys } from "@/lib/dal/admin";
import { createKeyAction, revokeKeyAction } from "./actions";
import { LimitsDialog } from "../users/user-forms";

export const metadata = { title: "API keys" };

export default async function KeysPage() {
  const user = await requireAdmin();
  const [keys, users] = await Promise.all([listKeys(user), activeUserEmails(user)]);
  return (
    <>
      <PageHeader title="API keys" description="Every hub key, its owner, scope, last use and spend. Only hashes are stored.">
        <CreateKeyDialog action={createKeyAction} users={users} />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <KeysTable keys={keys} revoke={revokeKeyAction} showOwner extra={(k) => <LimitsDialog target={{ keyId: k.id }} label={`key ${k.name}`} />} />
        </CardContent>
      </Card>
      {keys.some((k) => k.monthlyBudgetUsd || k.rpm || k.tpm) && (
        <p className="text-xs text-muted-foreground">
          Keys with their own limits:{" "}
          {keys
            .filter((k) => k.monthlyBudgetUsd || k.rpm || k.tpm)
            .map((k) => `${k.name} (${[k.monthlyBudgetUsd && `$${k.monthlyBudgetUsd}/month`, k.rpm && `${k.rpm} rpm`, k.tpm && `${k.tpm} tpm`].filter(Boolean).join(", ")})`)
            .join("; ")}
        </p>
      )}
    </>
  );
}
