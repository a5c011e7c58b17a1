import { retrieveModel } from "@/lib/gateway/models";
import { withApiKey } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /v1/models/{model} – one model (names may contain "/")
export const GET = withApiKey({ endpoint: "models" }, (ctx, _body, request) =>
  retrieveModel(ctx.principal, decodeURIComponent(new URL(request.url).pathname.slice("/v1/models/".length))),
);
