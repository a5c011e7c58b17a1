import { z } from "zod";
import { aigneHubModels } from "@/lib/gateway/aigne-hub";
import { fromZodError } from "@/lib/gateway/errors";

export const dynamic = "force-dynamic";

const query = z.object({ type: z.enum(["chat", "embedding", "image"]).optional() });

// GET /api/ai/models?type=chat|embedding|image – public, with per-token credit prices (AIGNE Hub protocol)
export async function GET(request: Request) {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    return Response.json(error.toJSON(), { status: error.status });
  }
  return Response.json(await aigneHubModels(parsed.data.type));
}
