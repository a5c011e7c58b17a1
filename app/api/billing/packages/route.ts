import { keyOrSession } from "@/lib/auth/session";
import { formatCredits } from "@/lib/billing/money";
import { db } from "@/lib/db/client";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/billing/packages – the credit packages a customer can buy
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "billing" }, async () => {
  const packages = await db().creditPackage.findMany({ where: { enabled: true }, orderBy: [{ sortOrder: "asc" }, { priceCents: "asc" }] });
  return { data: packages.map((p) => ({ id: p.id, name: p.name, price: { amount: p.priceCents, currency: p.currency }, credits: formatCredits(p.creditsMicrocredits) })) };
});
