import { listModels } from "@/lib/gateway/models";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /v1/models – the models this key may use
export const GET = withApiKey({ endpoint: "models" }, (ctx) => listModels(ctx.principal));
