import { aigneHubChat } from "@/lib/gateway/aigne-hub";
import { methodNotAllowed } from "@/lib/gateway/errors";
import { aigneHubError } from "@/lib/gateway/protocols/aigne-hub/response";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { aigneChatRequestSchema } from "@/lib/schemas/aigne-hub";

export const dynamic = "force-dynamic";

// POST /api/v2/chat – the AIGNE Hub protocol's chat (the AIGNE framework's @aigne/aigne-hub client)
export const POST = withApiKey({ endpoint: "aigne-hub", body: aigneChatRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneHubChat(ctx, body));
export const GET = methodNotAllowed;
