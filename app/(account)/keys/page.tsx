import { PageHeader } from "@/components/app-shell";
import { CreateKeyDialog } from "@/components/create-key-dialog";
import { KeysTable } from "@/components/keys-table";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { myKeys } from "@/lib/dal/account";
import { createOwnKeyAction, revokeOwnKeyAction } from "@/lib/ui/account-actions";

export const metadata = { title: "My API keys" };

export default async function MyKeysPage() {
  const user = await requireUser();
  const keys = await myKeys(user);
  return (
    <>
      <PageHeader title="API keys" description="Use a key as the OpenAI API key of any client pointed at this hub. The secret is shown once.">
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
