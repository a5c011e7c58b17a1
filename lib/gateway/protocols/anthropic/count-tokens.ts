import { countPromptTokens } from "../../../canonical/token-count";
import type { CallContext } from "../../context";
import { checkRateLimits } from "../../rate-limit";
import { planRoute } from "../../route";
import { toChatRequest } from "./request";
import type { CountTokensRequest } from "./schema";

// POST /v1/messages/count_tokens: the prompt counted with the hub's tokenizer (o200k), not metered.
// Held to the key's model scope (403, as /v1/messages) and counted against its request limits: the
// tokenizer costs the hub CPU, and an answer about a model tells a key that the model exists.
export async function countMessageTokens(ctx: CallContext, body: CountTokensRequest): Promise<{ input_tokens: number }> {
  await planRoute(ctx, body.model, "chat");
  ctx.call.rate = await checkRateLimits(ctx.principal, 0);
  return { input_tokens: await countPromptTokens(toChatRequest(body)) };
}
