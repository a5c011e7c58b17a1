import { createEmbeddings } from "@/lib/gateway/embeddings";
import { methodNotAllowed } from "@/lib/gateway/errors";
import { aigneHubError } from "@/lib/gateway/protocols/aigne-hub/response";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { embeddingsRequestSchema } from "@/lib/schemas/openai";

export const dynamic = "force-dynamic";

// POST /api/v2/embeddings – the AIGNE Hub protocol's embeddings: OpenAI's request and answer
export const POST = withApiKey({ endpoint: "embeddings", body: embeddingsRequestSchema, errorFormat: aigneHubError }, (ctx, body) => createEmbeddings(ctx, body));
export const GET = methodNotAllowed;
