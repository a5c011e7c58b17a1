import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { adminSettings } from "@/lib/dal/admin";
import { env } from "@/lib/env";
import { redisEnabled } from "@/lib/redis";
import { LoggingSettingsForm } from "./logging-forms";
import { SettingsForm } from "./settings-form";
import { ResponseCacheForm } from "./response-cache-form";

export async function generateMetadata() {
  return { title: (await getTranslations("admin.settings"))("metaTitle") };
}

export default async function SettingsPage() {
  const user = await requireAdmin();
  const [settings, t, tl, tc] = await Promise.all([adminSettings(user), getTranslations("admin.settings"), getTranslations("requestLogging.settings"), getTranslations("admin.responseCache")]);
  const e = env();
  // [test id (the English name), name, on, detail]
  const status: Array<[string, string, boolean, string]> = [
    ["Stripe payments", t("stripePayments"), !!e.STRIPE_SECRET_KEY, e.STRIPE_SECRET_KEY ? t("stripePaymentsOn") : t("stripePaymentsOff")],
    ["Stripe webhook", t("stripeWebhook"), !!e.STRIPE_WEBHOOK_SECRET, e.STRIPE_WEBHOOK_SECRET ? t("stripeWebhookOn") : t("stripeWebhookOff")],
    ["Single sign-on", t("sso"), !!e.AUTH_OIDC_ISSUER, e.AUTH_OIDC_ISSUER ? t("ssoOn", { host: new URL(e.AUTH_OIDC_ISSUER).host }) : t("ssoOff")],
    ["Redis", t("redis"), redisEnabled(), redisEnabled() ? t("redisOn") : t("redisOff")],
  ];
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <CardContent className="pt-5">
          <SettingsForm settings={settings} />
        </CardContent>
      </Card>
      <Card data-testid="response-cache-settings">
        <CardHeader>
          <CardTitle>{tc("title")}</CardTitle>
          <CardDescription>{tc("description")}</CardDescription>
        </CardHeader>
        <CardContent>
          <ResponseCacheForm settings={settings} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{tl("title")}</CardTitle>
          <CardDescription>{tl("description")}</CardDescription>
        </CardHeader>
        <CardContent>
          <LoggingSettingsForm settings={settings} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("integrations")}</CardTitle>
          <CardDescription>{t("integrationsDescription")}</CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="divide-y divide-border">
            {status.map(([id, name, on, detail]) => (
              <li key={id} className="flex items-center gap-3 py-2 text-sm" data-testid={`integration-${id}`}>
                <span className="w-36 font-medium">{name}</span>
                <Badge variant={on ? "success" : "outline"}>{on ? t("on") : t("off")}</Badge>
                <span className="text-muted-foreground">{detail}</span>
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
    </>
  );
}
