import { aigneHubImage } from "@/lib/gateway/aigne-hub";
import { methodNotAllowed } from "@/lib/gateway/errors";
import { aigneHubError } from "@/lib/gateway/protocols/aigne-hub/response";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { aigneImageRequestSchema } from "@/lib/schemas/aigne-hub";

export const dynamic = "force-dynamic";

// POST /api/v2/image – the AIGNE Hub protocol's image generation (AIGNEHubImageModel)
export const POST = withApiKey({ endpoint: "images", body: aigneImageRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneHubImage(ctx, body));
export const GET = methodNotAllowed;
