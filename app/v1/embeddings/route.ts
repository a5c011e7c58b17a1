import { createEmbeddings } from "@/lib/gateway/embeddings";
import { methodNotAllowed } from "@/lib/gateway/errors";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { embeddingsRequestSchema } from "@/lib/schemas/openai";

export const dynamic = "force-dynamic";

// POST /v1/embeddings – embeddings for one or more inputs
export const POST = withApiKey({ endpoint: "embeddings", body: embeddingsRequestSchema }, (ctx, body) => createEmbeddings(ctx, body));
export const GET = methodNotAllowed;
