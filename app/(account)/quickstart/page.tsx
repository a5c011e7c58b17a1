import Link from "next/link";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { CodeBlock } from "@/components/code-block";
import { requireUser } from "@/lib/auth/session";
import { registry } from "@/lib/gateway/registry";
import { publicBaseUrl } from "@/lib/public-url";
import { snippets } from "@/lib/ui/snippets";

export async function generateMetadata() {
  return { title: (await getTranslations("account.quickstart"))("title") };
}

export default async function QuickstartPage() {
  await requireUser();
  const baseUrl = `${publicBaseUrl(await headers())}/v1`;
  const models = (await registry()).publicModels;
  const model = models.find((m) => m.type === "chat")?.name ?? "gpt-4o-mini";
  const code = snippets(baseUrl, model);
  const t = await getTranslations("account.quickstart");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm">
        <li>
          {t.rich("step1", {
            link: (chunks) => (
              <Link href="/keys" className="text-primary hover:underline">
                {chunks}
              </Link>
            ),
            code: (chunks) => <code className="font-mono">{chunks}</code>,
          })}
        </li>
        <li>
          {t.rich("step2", {
            baseUrl,
            link: (chunks) => (
              <Link href="/pricing" className="text-primary hover:underline">
                {chunks}
              </Link>
            ),
            code: (chunks) => (
              <code className="font-mono" data-testid="quickstart-base-url">
                {chunks}
              </code>
            ),
          })}
        </li>
      </ol>
      <CodeBlock title="curl" code={code.curl} />
      <CodeBlock title="Node.js (openai SDK)" code={code.node} />
      <CodeBlock title="Python (openai SDK)" code={code.python} />
      <CodeBlock title="AIGNE framework" code={code.aigne} />
    </>
  );
}
