import Link from "next/link";
import { headers } from "next/headers";
import { CodeBlock } from "@/components/code-block";
import { Button } from "@/components/ui/button";
import { registry } from "@/lib/gateway/registry";
import { publicBaseUrl } from "@/lib/public-url";
import { settings } from "@/lib/settings";
import { snippets } from "@/lib/ui/snippets";

export const dynamic = "force-dynamic";

// GET / – what this hub is and how to call it
export default async function LandingPage() {
  const baseUrl = `${publicBaseUrl(await headers())}/v1`;
  const [models, { brandName }] = await Promise.all([registry().then((r) => r.publicModels), settings()]);
  const example = models.find((m) => m.type === "chat")?.name ?? "openai/gpt-4o-mini";

  const { curl, node: sdk } = snippets(baseUrl, example);

  return (
    <main className="mx-auto max-w-4xl px-6 py-16">
      <nav className="mb-10 flex justify-end gap-2">
        <Button asChild variant="ghost" size="sm">
          <Link href="/pricing">Pricing</Link>
        </Button>
        <Button asChild size="sm">
          <Link href="/sign-in">Sign in</Link>
        </Button>
      </nav>
      <header className="mb-12">
        <p className="mb-3 text-sm font-semibold tracking-wide text-primary uppercase">Self-hosted AI gateway</p>
        <h1 className="text-4xl font-bold tracking-tight">{brandName}</h1>
        <p className="mt-4 max-w-2xl text-lg text-muted-foreground">
          One OpenAI-compatible API in front of your AI providers. Point any OpenAI client at this hub with a hub API key: answers stream token by
          token from the upstream, and every call is recorded with its tokens, latency and cost.
        </p>
      </header>

      <section className="mb-12 grid gap-4 sm:grid-cols-3">
        {(
          [
            ["Endpoint", baseUrl],
            ["Authentication", "Authorization: Bearer sk-hub-…"],
            ["Models served", String(models.length)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded-lg border border-border bg-card p-4">
            <div className="text-xs font-medium text-muted-foreground uppercase">{label}</div>
            <div className="mt-1 font-mono text-sm break-all" data-testid={`fact-${label.toLowerCase().replace(/ /g, "-")}`}>
              {value}
            </div>
          </div>
        ))}
      </section>

      <section className="mb-12 space-y-4">
        <h2 className="text-xl font-semibold">Call it</h2>
        <CodeBlock title="curl" code={curl} />
        <CodeBlock title="Node.js (openai SDK)" code={sdk} />
        <p className="text-sm text-muted-foreground">
          API keys are issued by an administrator: <code className="font-mono">npm run hub -- key create --user you@example.com</code>. Model
          names are either public names registered on this hub or <code className="font-mono">provider/upstream-model</code>.
        </p>
      </section>

      {models.length === 0 && (
        <section className="mb-12 space-y-4" data-testid="operator-quickstart">
          <h2 className="text-xl font-semibold">No models yet</h2>
          <p className="text-sm text-muted-foreground">Connect a provider, publish a model and hand out a key with the operator CLI:</p>
          <CodeBlock
            title="operator CLI"
            code={`npm run hub -- provider add --type openai --name openai --api-key sk-…
npm run hub -- model add --name gpt-4o-mini --provider openai --upstream-model gpt-4o-mini \\
  --input-usd-per-1m 0.15 --output-usd-per-1m 0.6
npm run hub -- user create --email you@example.com
npm run hub -- key create --user you@example.com`}
          />
        </section>
      )}

      {models.length > 0 && (
        <section>
          <h2 className="mb-4 text-xl font-semibold">Models</h2>
          <ul className="divide-y divide-border rounded-lg border border-border bg-card">
            {models.map((m) => (
              <li key={m.id} className="flex items-center justify-between px-4 py-2 text-sm">
                <span className="font-mono">{m.name}</span>
                <span className="text-muted-foreground">{m.type}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
