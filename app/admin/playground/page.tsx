import { PageHeader } from "@/components/app-shell";
import { db } from "@/lib/db/client";
import { Playground } from "./playground";

export const metadata = { title: "Playground" };

export default async function PlaygroundPage() {
  const models = await db().model.findMany({ where: { enabled: true, type: "chat" }, select: { name: true }, orderBy: { name: "asc" } });
  return (
    <>
      <PageHeader title="Playground" description="Chat with any model through the hub, as yourself: answers stream, and each shows its tokens and cost." />
      <Playground models={models.map((m) => m.name)} />
    </>
  );
}
