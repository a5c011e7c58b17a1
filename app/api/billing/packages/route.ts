import { keyOrSession } from "@/lib/auth/session";
import { formatCredits } from "@/lib/money";
import { listPackages } from "@/lib/admin/packages";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/billing/packages – the credit packages a customer can buy
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "billing" }, async () => {
  const packages = await listPackages({ onSale: true });
  return { data: packages.map((p) => ({ id: p.id, name: p.name, price: { amount: p.priceCents, currency: p.currency }, credits: formatCredits(p.creditsMicrocredits) })) };
});
