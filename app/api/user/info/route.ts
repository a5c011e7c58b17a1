import { aigneHubUserInfo } from "@/lib/gateway/aigne-hub";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /api/user/info – the key's user and credit balance (AIGNE Hub protocol; `aigne hub info`)
export const GET = withApiKey({ endpoint: "billing" }, (ctx) => aigneHubUserInfo(ctx.principal, ctx.origin));
