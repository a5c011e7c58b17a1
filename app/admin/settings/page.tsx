import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { adminSettings } from "@/lib/dal/admin";
import { env } from "@/lib/env";
import { redisEnabled } from "@/lib/redis";
import { SettingsForm } from "./settings-form";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireAdmin();
  const settings = await adminSettings(user);
  const e = env();
  const status: Array<[string, boolean, string]> = [
    ["Stripe payments", !!e.STRIPE_SECRET_KEY, e.STRIPE_SECRET_KEY ? "STRIPE_SECRET_KEY is set" : "set STRIPE_SECRET_KEY to sell credits"],
    ["Stripe webhook", !!e.STRIPE_WEBHOOK_SECRET, e.STRIPE_WEBHOOK_SECRET ? "payments are credited from /api/stripe/webhook" : "set STRIPE_WEBHOOK_SECRET"],
    ["Single sign-on", !!e.AUTH_OIDC_ISSUER, e.AUTH_OIDC_ISSUER ? `OIDC via ${new URL(e.AUTH_OIDC_ISSUER).host}` : "set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID, AUTH_OIDC_CLIENT_SECRET"],
    ["Redis", redisEnabled(), redisEnabled() ? "holds, limits and jobs in Redis" : "in-process (set REDIS_URL for several processes)"],
  ];
  return (
    <>
      <PageHeader title="Settings" description="Changes apply to every running process within a second." />
      <Card>
        <CardContent className="pt-5">
          <SettingsForm settings={settings} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Integrations</CardTitle>
          <CardDescription>Configured by environment variables (see the README).</CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="divide-y divide-border">
            {status.map(([name, on, detail]) => (
              <li key={name} className="flex items-center gap-3 py-2 text-sm" data-testid={`integration-${name}`}>
                <span className="w-36 font-medium">{name}</span>
                <Badge variant={on ? "success" : "outline"}>{on ? "on" : "off"}</Badge>
                <span className="text-muted-foreground">{detail}</span>
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
    </>
  );
}
