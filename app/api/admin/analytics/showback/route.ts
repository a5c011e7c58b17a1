import { keyOrSession } from "@/lib/auth/session";
import { z } from "zod";
import { showback } from "@/lib/analytics/usage";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

const query = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, "must look like 2026-11").default(() => new Date().toISOString().slice(0, 7)) });

// GET /api/admin/analytics/showback?month=2026-11 – what each team spent that month
export const GET = withApiKey({ authenticate: keyOrSession, endpoint: "admin-api", role: "admin", query }, (_ctx, _body, _request, q) => showback(q.month));
