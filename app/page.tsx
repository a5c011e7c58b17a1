import { headers } from "next/headers";
import { registry } from "@/lib/gateway/registry";
import { publicBaseUrl } from "@/lib/public-url";

export const dynamic = "force-dynamic";

function CodeBlock({ title, code }: { title: string; code: string }) {
  return (
    <figure className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
      <figcaption className="border-b border-zinc-200 bg-zinc-100 px-4 py-2 text-xs font-medium text-zinc-600">{title}</figcaption>
      <pre className="overflow-x-auto p-4 font-mono text-[13px] leading-relaxed text-zinc-800">{code}</pre>
    </figure>
  );
}

// GET / – what this hub is and how to call it
export default async function LandingPage() {
  const baseUrl = `${publicBaseUrl(await headers())}/v1`;
  const models = (await registry()).publicModels;
  const example = models.find((m) => m.type === "chat")?.name ?? "openai/gpt-4o-mini";

  const curl = `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $AIGNE_HUB_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${example}", "stream": true,
       "messages": [{"role": "user", "content": "Hello!"}]}'`;
  const sdk = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${baseUrl}",
  apiKey: process.env.AIGNE_HUB_API_KEY, // sk-hub-…
});

const stream = await client.chat.completions.create({
  model: "${example}",
  messages: [{ role: "user", content: "Hello!" }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`;

  return (
    <main className="mx-auto max-w-4xl px-6 py-16">
      <header className="mb-12">
        <p className="mb-3 text-sm font-semibold tracking-wide text-indigo-600 uppercase">Self-hosted AI gateway</p>
        <h1 className="text-4xl font-bold tracking-tight">AIGNE Hub</h1>
        <p className="mt-4 max-w-2xl text-lg text-zinc-600">
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
          <div key={label} className="rounded-lg border border-zinc-200 bg-white p-4">
            <div className="text-xs font-medium text-zinc-500 uppercase">{label}</div>
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
        <p className="text-sm text-zinc-600">
          API keys are issued by an administrator: <code className="font-mono">npm run hub -- key create --user you@example.com</code>. Model
          names are either public names registered on this hub or <code className="font-mono">provider/upstream-model</code>.
        </p>
      </section>

      {models.length === 0 && (
        <section className="mb-12 space-y-4" data-testid="operator-quickstart">
          <h2 className="text-xl font-semibold">No models yet</h2>
          <p className="text-sm text-zinc-600">Connect a provider, publish a model and hand out a key with the operator CLI:</p>
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
          <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white">
            {models.map((m) => (
              <li key={m.id} className="flex items-center justify-between px-4 py-2 text-sm">
                <span className="font-mono">{m.name}</span>
                <span className="text-zinc-500">{m.type}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
