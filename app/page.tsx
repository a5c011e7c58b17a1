import Link from "next/link";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { CodeBlock } from "@/components/code-block";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { Button } from "@/components/ui/button";
import { registry } from "@/lib/gateway/registry";
import { publicBaseUrl } from "@/lib/public-url";
import { settings } from "@/lib/settings";
import { snippets } from "@/lib/ui/snippets";

export const dynamic = "force-dynamic";

// GET / – what this hub is and how to call it
export default async function LandingPage() {
  const baseUrl = `${publicBaseUrl(await headers())}/v1`;
  const [models, { brandName }, t] = await Promise.all([registry().then((r) => r.publicModels), settings(), getTranslations("public.landing")]);
  const example = models.find((m) => m.type === "chat")?.name ?? "openai/gpt-4o-mini";

  const { curl, node: sdk } = snippets(baseUrl, example);

  return (
    <main className="mx-auto max-w-4xl px-6 py-16">
      <nav className="mb-10 flex items-center justify-end gap-2">
        <LocaleSwitcher />
        <Button asChild variant="ghost" size="sm">
          <Link href="/pricing">{t("pricing")}</Link>
        </Button>
        <Button asChild size="sm">
          <Link href="/sign-in">{t("signIn")}</Link>
        </Button>
      </nav>
      <header className="mb-12">
        <p className="mb-3 text-sm font-semibold tracking-wide text-primary uppercase">{t("kicker")}</p>
        <h1 className="text-4xl font-bold tracking-tight">{brandName}</h1>
        <p className="mt-4 max-w-2xl text-lg text-muted-foreground">{t("intro")}</p>
      </header>

      <section className="mb-12 grid gap-4 sm:grid-cols-3">
        {(
          [
            ["endpoint", baseUrl],
            ["authentication", "Authorization: Bearer sk-hub-…"],
            ["models-served", String(models.length)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded-lg border border-border bg-card p-4">
            <div className="text-xs font-medium text-muted-foreground uppercase">{t(label === "models-served" ? "modelsServed" : label)}</div>
            <div className="mt-1 font-mono text-sm break-all" data-testid={`fact-${label}`}>
              {value}
            </div>
          </div>
        ))}
      </section>

      <section className="mb-12 space-y-4">
        <h2 className="text-xl font-semibold">{t("callIt")}</h2>
        <CodeBlock title="curl" code={curl} />
        <CodeBlock title="Node.js (openai SDK)" code={sdk} />
        <p className="text-sm text-muted-foreground">{t.rich("keysNote", { code: (chunks) => <code className="font-mono">{chunks}</code> })}</p>
      </section>

      {models.length === 0 && (
        <section className="mb-12 space-y-4" data-testid="operator-quickstart">
          <h2 className="text-xl font-semibold">{t("noModels")}</h2>
          <p className="text-sm text-muted-foreground">{t("noModelsBody")}</p>
          <CodeBlock
            title={t("operatorCli")}
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
          <h2 className="mb-4 text-xl font-semibold">{t("models")}</h2>
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
