import { PageHeader } from "@/components/app-shell";
import { requireAdmin } from "@/lib/auth/session";
import { playgroundModels } from "@/lib/dal/admin";
import { Playground } from "./playground";

export const metadata = { title: "Playground" };

export default async function PlaygroundPage() {
  const user = await requireAdmin();
  const models = await playgroundModels(user);
  return (
    <>
      <PageHeader title="Playground" description="Chat with any model through the hub, as yourself: answers stream, and each shows its tokens and cost." />
      <Playground models={models} />
    </>
  );
}
