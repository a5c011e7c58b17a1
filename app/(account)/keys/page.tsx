import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { CreateKeyDialog } from "@/components/create-key-dialog";
import { KeysTable } from "@/components/keys-table";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { myKeys } from "@/lib/dal/account";
import { createOwnKeyAction, revokeOwnKeyAction } from "@/lib/ui/account-actions";

export async function generateMetadata() {
  return { title: (await getTranslations("account.keys"))("metaTitle") };
}

export default async function MyKeysPage() {
  const user = await requireUser();
  const [keys, t] = await Promise.all([myKeys(user), getTranslations("account.keys")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <CreateKeyDialog action={createOwnKeyAction} />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <KeysTable keys={keys} revoke={revokeOwnKeyAction} showOwner={false} />
        </CardContent>
      </Card>
    </>
  );
}
