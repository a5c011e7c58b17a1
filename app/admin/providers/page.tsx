import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { listProviders } from "@/lib/dal/admin";
import { adapterFor, supportedProviderTypes } from "@/lib/providers";
import { formats } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { testProviderAction } from "./actions";
import { AddCredentialDialog, AddProviderDialog, EditProviderDialog, type ProviderTypeInfo } from "./provider-forms";
import { WeightInput } from "../weight-input";

export async function generateMetadata() {
  return { title: (await getTranslations("adminCatalog.providers"))("metaTitle") };
}

const HEALTH = { healthy: "success", degraded: "warning", down: "destructive", disabled: "outline" } as const;
const KEY_STATUS = { active: "success", suspended: "destructive", disabled: "outline" } as const;

export default async function ProvidersPage() {
  const user = await requireAdmin();
  const [providers, t, locale] = await Promise.all([listProviders(user), getTranslations("adminCatalog.providers"), getLocale()]);
  const { dateTime } = formats(locale);
  const types: ProviderTypeInfo[] = supportedProviderTypes().map((type) => {
    const adapter = adapterFor(type);
    return { type, credential: adapter.credential, defaultBaseUrl: adapter.defaultBaseUrl, requiresRegion: !!adapter.requiresRegion };
  });
  const info = (type: string) => types.find((t) => t.type === type)!;
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <AddProviderDialog types={types} />
      </PageHeader>
      {providers.length === 0 && (
        <Card className="border-dashed">
          <CardContent className="py-10 text-center text-sm text-muted-foreground">{t("empty")}</CardContent>
        </Card>
      )}
      {providers.map((p) => (
        <Card key={p.id} data-testid={`provider-${p.name}`}>
          <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
            <div className="flex flex-col gap-1">
              <CardTitle className="flex items-center gap-2">
                {p.name} <Badge variant="outline">{p.type}</Badge> <Badge variant={HEALTH[p.health]}>{t("health", { health: p.health })}</Badge>
              </CardTitle>
              <CardDescription>
                {p.baseUrl ?? info(p.type).defaultBaseUrl ?? "—"}
                {p.region ? ` · ${p.region}` : ""} · {t("deployments", { count: p.deployments })}
                {p.timeoutMs ? ` · ${t("timeout", { ms: p.timeoutMs })}` : ""}
              </CardDescription>
            </div>
            <div className="flex items-center gap-2">
              <Toggle action={toggleAction} fields={{ kind: "provider", id: p.id }} enabled={p.enabled} label={t("enable", { name: p.name })} />
              <ActionButton action={testProviderAction} fields={{ name: p.name }} variant="outline" size="sm">
                {t("testConnection")}
              </ActionButton>
              <EditProviderDialog provider={p} info={info(p.type)} />
              <AddCredentialDialog provider={p.name} kind={info(p.type).credential} />
            </div>
          </CardHeader>
          <CardContent>
            {p.credentials.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("noKey")}</p>
            ) : (
              <ul className="divide-y divide-border rounded-lg border border-border">
                {p.credentials.map((c) => (
                  <li key={c.id} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
                    <span className="font-medium">{c.name}</span>
                    <code className="text-xs text-muted-foreground">{c.hint}</code>
                    <Badge variant={KEY_STATUS[c.status as keyof typeof KEY_STATUS] ?? "outline"}>{t("keyStatus", { status: c.status })}</Badge>
                    {c.lastError && <span className="text-xs text-destructive">{c.lastError}</span>}
                    <span className="ml-auto flex items-center gap-3 text-xs text-muted-foreground">
                      {c.lastCheckedAt && <span>{t("checked", { time: dateTime(c.lastCheckedAt) })}</span>}
                      <WeightInput kind="credential" id={c.id} weight={c.weight} />
                      <Toggle action={toggleAction} fields={{ kind: "credential", id: c.id }} enabled={c.status !== "disabled"} label={t("enableKey", { name: c.name })} />
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
