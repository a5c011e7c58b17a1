import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { listProviders } from "@/lib/dal/admin";
import { adapterFor, supportedProviderTypes } from "@/lib/providers";
import { dateTime } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { testProviderAction } from "./actions";
import { AddCredentialDialog, AddProviderDialog, EditProviderDialog, type ProviderTypeInfo } from "./provider-forms";
import { WeightInput } from "../weight-input";

export const metadata = { title: "Providers" };

const HEALTH = { healthy: "success", degraded: "warning", down: "destructive", disabled: "outline" } as const;
const KEY_STATUS = { active: "success", suspended: "destructive", disabled: "outline" } as const;

export default async function ProvidersPage() {
  const user = await requireAdmin();
  const providers = await listProviders(user);
  const types: ProviderTypeInfo[] = supportedProviderTypes().map((type) => {
    const adapter = adapterFor(type);
    return { type, credential: adapter.credential, defaultBaseUrl: adapter.defaultBaseUrl, requiresRegion: !!adapter.requiresRegion };
  });
  const info = (type: string) => types.find((t) => t.type === type)!;
  return (
    <>
      <PageHeader title="Providers" description="Upstreams the hub calls, their keys and health.">
        <AddProviderDialog types={types} />
      </PageHeader>
      {providers.length === 0 && (
        <Card className="border-dashed">
          <CardContent className="py-10 text-center text-sm text-muted-foreground">No providers yet. Add one to start serving models.</CardContent>
        </Card>
      )}
      {providers.map((p) => (
        <Card key={p.id} data-testid={`provider-${p.name}`}>
          <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
            <div className="flex flex-col gap-1">
              <CardTitle className="flex items-center gap-2">
                {p.name} <Badge variant="outline">{p.type}</Badge> <Badge variant={HEALTH[p.health]}>{p.health}</Badge>
              </CardTitle>
              <CardDescription>
                {p.baseUrl ?? info(p.type).defaultBaseUrl ?? "—"}
                {p.region ? ` · ${p.region}` : ""} · {p.deployments} deployment{p.deployments === 1 ? "" : "s"}
                {p.timeoutMs ? ` · timeout ${p.timeoutMs} ms` : ""}
              </CardDescription>
            </div>
            <div className="flex items-center gap-2">
              <Toggle action={toggleAction} fields={{ kind: "provider", id: p.id }} enabled={p.enabled} label={`Enable ${p.name}`} />
              <ActionButton action={testProviderAction} fields={{ name: p.name }} variant="outline" size="sm">
                Test connection
              </ActionButton>
              <EditProviderDialog provider={p} info={info(p.type)} />
              <AddCredentialDialog provider={p.name} kind={info(p.type).credential} />
            </div>
          </CardHeader>
          <CardContent>
            {p.credentials.length === 0 ? (
              <p className="text-sm text-muted-foreground">No key (this provider type works without one).</p>
            ) : (
              <ul className="divide-y divide-border rounded-lg border border-border">
                {p.credentials.map((c) => (
                  <li key={c.id} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
                    <span className="font-medium">{c.name}</span>
                    <code className="text-xs text-muted-foreground">{c.hint}</code>
                    <Badge variant={KEY_STATUS[c.status as keyof typeof KEY_STATUS] ?? "outline"}>{c.status}</Badge>
                    {c.lastError && <span className="text-xs text-destructive">{c.lastError}</span>}
                    <span className="ml-auto flex items-center gap-3 text-xs text-muted-foreground">
                      {c.lastCheckedAt && <span>checked {dateTime(c.lastCheckedAt)}</span>}
                      <WeightInput kind="credential" id={c.id} weight={c.weight} />
                      <Toggle action={toggleAction} fields={{ kind: "credential", id: c.id }} enabled={c.status !== "disabled"} label={`Enable key ${c.name}`} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      ))}
    </>
  );
}
