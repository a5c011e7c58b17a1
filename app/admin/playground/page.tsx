import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { requireAdmin } from "@/lib/auth/session";
import { playgroundModels } from "@/lib/dal/admin";
import { Playground } from "./playground";

export async function generateMetadata() {
  return { title: (await getTranslations("adminCatalog.playground"))("metaTitle") };
}

export default async function PlaygroundPage() {
  const user = await requireAdmin();
  const [models, t] = await Promise.all([playgroundModels(user), getTranslations("adminCatalog.playground")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Playground models={models} />
    </>
  );
}
