import { sessionPrincipal } from "@/lib/auth/session";
import { serveChat } from "@/lib/gateway/chat";
import { openai } from "@/lib/gateway/protocols/openai";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { chatRequestSchema } from "@/lib/canonical/schema";

export const dynamic = "force-dynamic";

// POST /api/playground/chat – the admin playground: a chat completion as the signed-in admin (no key)
export const POST = withApiKey({ authenticate: sessionPrincipal, role: "admin", endpoint: "chat", body: chatRequestSchema }, (ctx, body) => serveChat(openai, ctx, body));
