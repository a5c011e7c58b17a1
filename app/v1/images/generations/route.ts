import { methodNotAllowed } from "@/lib/gateway/errors";
import { generateImages } from "@/lib/gateway/images";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { imagesRequestSchema } from "@/lib/schemas/openai";

export const dynamic = "force-dynamic";

// POST /v1/images/generations – images from a prompt
export const POST = withApiKey({ endpoint: "images", body: imagesRequestSchema }, (ctx, body) => generateImages(ctx, body));
export const GET = methodNotAllowed;
