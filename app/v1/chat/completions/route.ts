import { methodNotAllowed } from "@/lib/gateway/errors";
import { chatCompletionsCall } from "@/lib/gateway/hot-routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /v1/chat/completions – chat completion, streamed or not (lib/gateway/hot-routes.ts)
export const POST = webRoute(chatCompletionsCall);
export const GET = methodNotAllowed;
