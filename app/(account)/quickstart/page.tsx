import Link from "next/link";
import { headers } from "next/headers";
import { PageHeader } from "@/components/app-shell";
import { CodeBlock } from "@/components/code-block";
import { requireUser } from "@/lib/auth/session";
import { registry } from "@/lib/gateway/registry";
import { publicBaseUrl } from "@/lib/public-url";
import { snippets } from "@/lib/ui/snippets";

export const metadata = { title: "Quickstart" };

export default async function QuickstartPage() {
  await requireUser();
  const baseUrl = `${publicBaseUrl(await headers())}/v1`;
  const models = (await registry()).publicModels;
  const model = models.find((m) => m.type === "chat")?.name ?? "gpt-4o-mini";
  const code = snippets(baseUrl, model);
  return (
    <>
      <PageHeader title="Quickstart" description="The hub speaks the OpenAI API: point any OpenAI client at it with your hub key." />
      <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm">
        <li>
          Create a key on{" "}
          <Link href="/keys" className="text-primary hover:underline">
            API keys
          </Link>{" "}
          and export it: <code className="font-mono">export AIGNE_HUB_API_KEY=sk-hub-…</code>
        </li>
        <li>
          Use base URL <code className="font-mono" data-testid="quickstart-base-url">{baseUrl}</code> and any model of the{" "}
          <Link href="/pricing" className="text-primary hover:underline">
            price list
          </Link>
          .
        </li>
      </ol>
      <CodeBlock title="curl" code={code.curl} />
      <CodeBlock title="Node.js (openai SDK)" code={code.node} />
      <CodeBlock title="Python (openai SDK)" code={code.python} />
      <CodeBlock title="AIGNE framework" code={code.aigne} />
    </>
  );
}
