import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { Brand } from "@/components/brand";
import { ThemeToggle } from "@/components/theme-toggle";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { currentUser } from "@/lib/auth/session";
import { pricesFor } from "@/lib/dal/prices";
import { site } from "@/lib/dal/site";
import { formats } from "@/lib/ui/format";
import { LocaleSwitcher } from "@/components/locale-switcher";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  return { title: (await getTranslations("public.pricing"))("title") };
}

// GET /pricing – public: what every enabled model sells for (never the provider cost or margin); a
// signed-in customer sees their own group's prices
export default async function PricingPage() {
  const [{ models, creditPriceUsd, group }, { brand, mode }, t, locale] = await Promise.all([currentUser().then(pricesFor), site(), getTranslations("public.pricing"), getLocale()]);
  const { credits } = formats(locale);
  const usdPer1M = (creditsPer1M: string) => (Number(creditsPer1M) * Number(creditPriceUsd)).toFixed(4).replace(/\.?0+$/, "");
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-8">
      <header className="flex items-center gap-3">
        <Brand brand={brand} />
        <div className="ml-auto flex gap-2">
          <LocaleSwitcher />
          <ThemeToggle />
          <Button asChild size="sm">
            <Link href="/sign-in">{t("signIn")}</Link>
          </Button>
        </div>
      </header>
      <div>
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="mt-1 text-sm text-muted-foreground">
          {mode === "service_provider" ? t("reseller", { price: creditPriceUsd }) : t("perMillion")}
          {group && <span data-testid="pricing-group"> {t("group", { group })}</span>}
        </p>
      </div>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("model")}</TableHead>
                <TableHead className="text-right">{t("input")}</TableHead>
                <TableHead className="text-right">{t("output")}</TableHead>
                <TableHead className="text-right">{t("cachedInput")}</TableHead>
                <TableHead className="text-right">{t("perImage")}</TableHead>
                <TableHead className="text-right">{t("perAudioMinute")}</TableHead>
                <TableHead className="text-right">{t("perMillionCharacters")}</TableHead>
                <TableHead className="text-right">{t("perVideoSecond")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {models.length === 0 && <TableEmpty colSpan={8}>{t("empty")}</TableEmpty>}
              {models.map((m) => {
                const sell = m.price?.sell;
                const show = (value: string | null | undefined) => (value == null ? "—" : mode === "service_provider" ? t("credits", { credits: credits(value) }) : `$${usdPer1M(value)}`);
                return (
                  <TableRow key={m.id} data-testid={`price-${m.name}`}>
                    <TableCell>
                      <span className="font-medium">{m.name}</span> <Badge variant="outline">{m.type}</Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.inputCreditsPer1M)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.outputCreditsPer1M)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.cachedInputCreditsPer1M)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.imageCredits)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.audioCreditsPerMinute)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.charactersCreditsPer1M)}</TableCell>
                    <TableCell className="text-right tabular-nums">{show(sell?.videoCreditsPerSecond)}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
