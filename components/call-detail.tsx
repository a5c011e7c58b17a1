import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import type { CallDetail } from "@/lib/dal/account";
import { formats } from "@/lib/ui/format";
import { Badge } from "./ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "./ui/card";
import { UsageUnits } from "./usage-units";

/** A logged body, pretty-printed when it is JSON (a body cut inside its structure is shown as stored). */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Body({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <section className="flex min-w-0 flex-col gap-2">
      <h3 className="text-sm font-medium">{title}</h3>
      <pre className="max-h-[32rem] overflow-auto rounded-md border bg-muted/40 p-3 text-xs leading-relaxed whitespace-pre-wrap break-all" data-testid={testId}>
        {pretty(text)}
      </pre>
    </section>
  );
}

/**
 * One call as its detail pages show it: the metered metadata, then the logged request and answer
 * when the call's log level kept them. `who` (user, team, key) is for admins. `money` says what the
 * reader may see: the provider's cost, the credits charged, or both (a reseller's customer sees only
 * the charge: the operator's cost is not theirs to know).
 */
export async function CallDetailView({
  detail,
  who,
  money,
}: {
  detail: CallDetail;
  who?: { user: string | null; team: string | null; key: string | null };
  money: { cost: boolean; charge: boolean };
}) {
  const [t, locale] = await Promise.all([getTranslations("requestLogging.call"), getLocale()]);
  const { dateTime, number } = formats(locale);
  const { call, body } = detail;
  const rows: Array<[string, ReactNode]> = [
    [t("started"), dateTime(call.startedAt)],
    [t("endpoint"), call.stream ? t("stream", { endpoint: call.endpoint }) : call.endpoint],
    [t("model"), call.requestedModel],
    [t("upstream"), t("upstreamDetail", { provider: call.providerName ?? "—", model: call.upstreamModel ?? "—" })],
    [t("attempts"), number(call.attempts)],
    ...(who ? [[t("who"), `${who.user ?? "—"} / ${who.team ?? "—"} / ${who.key ?? t("webSession")}`] as [string, ReactNode]] : []),
    [
      t("status"),
      <span key="status" className="flex items-center gap-2">
        <Badge variant={call.status < 400 ? "success" : "destructive"}>{call.status}</Badge>
        {call.errorCode}
        {call.cacheHit && <Badge variant="outline">{t("cacheHit")}</Badge>}
      </span>,
    ],
    ...(call.errorMessage ? [[t("error"), call.errorMessage] as [string, ReactNode]] : []),
    [
      t("tokens"),
      t("tokensDetail", {
        prompt: number(call.promptTokens),
        cached: number(call.cachedTokens),
        completion: number(call.completionTokens),
        reasoning: number(call.reasoningTokens),
        source: call.usageSource,
      }),
    ],
    [t("metered"), <UsageUnits key="units" usage={call} />],
    ...(money.cost ? [[t("providerCost"), `$${call.costUsd}`] as [string, ReactNode]] : []),
    ...(money.charge ? [[t("charge"), t("chargeCredits", { credits: call.chargeCredits })] as [string, ReactNode]] : []),
    [t("latency"), t("latencyDetail", { latency: number(call.latencyMs), ttfb: call.ttfbMs === null ? "—" : number(call.ttfbMs) })],
  ];
  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle>{t("details")}</CardTitle>
          <CardDescription className="font-mono">{call.requestId}</CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm" data-testid="call-metadata">
            {rows.map(([label, value], i) => (
              <div key={i} className="contents">
                <dt className="text-muted-foreground">{label}</dt>
                <dd className="break-all">{value}</dd>
              </div>
            ))}
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            {t("bodies")}
            {body?.truncated && <Badge variant="outline">{t("truncated")}</Badge>}
          </CardTitle>
          <CardDescription>{body ? t("bodiesKept", { expires: dateTime(body.expiresAt) }) : t("noBodies")}</CardDescription>
        </CardHeader>
        {body && (
          <CardContent className="grid gap-4 lg:grid-cols-2">
            <Body title={t("request")} text={body.request} testId="call-request" />
            {body.response === null ? <p className="text-sm text-muted-foreground">{t("noResponse")}</p> : <Body title={t("response")} text={body.response} testId="call-response" />}
          </CardContent>
        )}
      </Card>
    </>
  );
}
