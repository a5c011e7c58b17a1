import { z } from "zod";
import { formatDecimal, parseCredits } from "../../../money";
import { priceList, type PresentedPrice } from "../../../billing/price-list";
import { MODEL_TYPES, type ModelType } from "../../../canonical/model-types";
import { db } from "../../../db/client";
import { settings } from "../../../settings";
import type { Principal } from "../../authenticate";
import type { CallContext } from "../../context";
import { fromZodError, invalidRequest } from "../../errors";
import { runImages } from "../../images";
import { publicBaseUrl } from "../../../public-url";
import { Reply } from "../../../http/reply";
import type { InboundRequest } from "../../../http/inbound";
import { credits } from "./response";
import { creditBalance as creditBalanceOf, paymentLink } from "./account";
import type { AigneImageRequest } from "./schema";

// The AIGNE Hub protocol's endpoints besides chat (index.ts), so the AIGNE framework's
// @aigne/aigne-hub client works against this hub with only AIGNE_HUB_API_URL and AIGNE_HUB_API_KEY:
// discovery (/__blocklet__.js), image generation (/api/v2/image), the public model list with credit
// prices (/api/ai/models, every model type) and the caller's balance (/api/user/info).

/** The AIGNE Hub component the client looks for in the discovery document. */
export const AIGNE_HUB_COMPONENT_DID = "z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ";

// GET /__blocklet__.js – how AIGNE clients find the hub's API: JSON with ?type=json, else the
// script form a browser would load
export async function discovery(request: InboundRequest): Promise<Reply> {
  const { brandName } = await settings();
  const info = {
    appName: brandName,
    appUrl: publicBaseUrl(request.headers),
    componentMountPoints: [{ did: AIGNE_HUB_COMPONENT_DID, name: "ai-kit", title: brandName, mountPoint: "/", status: "running" }],
  };
  if (new URL(request.url).searchParams.get("type") === "json") return Reply.json(info);
  return Reply.text(`window.blocklet = ${JSON.stringify(info)};\n`, { "content-type": "application/javascript; charset=utf-8" });
}

/** Credits for `units` of something → for one, to 12 decimals (exact per token: a micro-credit per 1M tokens is 1e-12), rounded up. */
const perUnit = (credits: string, units: bigint) => formatDecimal((parseCredits(credits) * 1_000_000n + units - 1n) / units, 12);
const perToken = (creditsPer1M: string) => perUnit(creditsPer1M, 1_000_000n);

// POST /api/v2/image: images come back as files (base64) or as the upstream's URLs
export async function aigneHubImage(ctx: CallContext, body: AigneImageRequest) {
  const { prompt, n, image, modelOptions } = body.input;
  if (image?.length) throw invalidRequest("input.image: image edits are not supported by the hub; send a prompt to generate images.", "unsupported_content", "input.image");
  const { model, size, quality, style } = modelOptions;
  const result = await runImages(ctx, { model, prompt, ...(n ? { n } : {}), ...(size ? { size } : {}), ...(quality ? { quality } : {}), ...(style ? { style } : {}) });
  return {
    images: (result.data ?? []).map((d) => (d.b64_json ? { type: "file", data: d.b64_json, mimeType: `image/${result.output_format ?? "png"}` } : { type: "url", url: d.url })),
    model,
    usage: { inputTokens: result.usage?.input_tokens ?? 0, outputTokens: result.usage?.output_tokens ?? 0, ...credits(ctx) },
  };
}

// The original hub's names of its model types (its AiModelRate types, and how its list answers them):
// asked for by either name, answered by its own where it has one.
const ORIGINAL_TYPE_NAMES: Record<string, ModelType> = { chatCompletion: "chat", imageGeneration: "image", image_generation: "image" };
const ANSWERED_TYPE: Partial<Record<ModelType, string>> = { image: "image_generation" };

const modelsQuery = z.object({ type: z.preprocess((v) => (typeof v === "string" ? (ORIGINAL_TYPE_NAMES[v] ?? v) : v), z.enum(MODEL_TYPES)).optional() });

type Sell = PresentedPrice["sell"];

/**
 * The two prices the original hub lists, for a model of a type. Its fields are named per token, but
 * it prices an image model's output per image and a video model's per second of video; the types it
 * lacks follow the same rule: a transcription model's input per second of audio, a speech model's per
 * character of text. A model with no price in its type's unit is listed at its token prices.
 */
function listedRates(type: ModelType, sell: Sell | undefined): { input: string; output: string } {
  if (!sell) return { input: "0", output: "0" };
  const tokens = { input: perToken(sell.inputCreditsPer1M), output: perToken(sell.outputCreditsPer1M) };
  switch (type) {
    case "image":
      return { ...tokens, output: sell.imageCredits ?? tokens.output };
    case "video":
      return { ...tokens, output: sell.videoCreditsPerSecond ?? tokens.output };
    case "transcription":
      return { ...tokens, input: sell.audioCreditsPerMinute === null ? tokens.input : perUnit(sell.audioCreditsPerMinute, 60n) };
    case "speech":
      return { ...tokens, input: sell.charactersCreditsPer1M === null ? tokens.input : perUnit(sell.charactersCreditsPer1M, 1_000_000n) };
    default:
      return tokens;
  }
}

// GET /api/ai/models?type= (any model type, or the original hub's names of them) — public, like the
// price list, with credit prices per token or per the unit the type is priced in
export async function aigneHubModels(request: InboundRequest): Promise<Reply> {
  const parsed = modelsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    return Reply.json(error.toJSON(), {}, error.status);
  }
  const { type } = parsed.data;
  const { models } = await priceList({ enabledOnly: true });
  const list = models
    .filter((m) => !type || m.type === type)
    .flatMap((m) => {
      const deployment = m.deployments.find((d) => d.enabled);
      if (!deployment) return [];
      const modelType = m.type as ModelType;
      const rates = listedRates(modelType, m.price?.sell);
      return [
        {
          model: m.name,
          type: ANSWERED_TYPE[modelType] ?? modelType,
          provider: deployment.providerType,
          providerDisplayName: deployment.provider,
          input_credits_per_token: rates.input,
          output_credits_per_token: rates.output,
          modelMetadata: { maxTokens: m.maxOutputTokens, aliases: m.aliases },
          status: { available: true },
        },
      ];
    });
  return Reply.json(list);
}

// GET /api/user/info
export async function aigneHubUserInfo(principal: Principal, origin: string) {
  const [config, user] = await Promise.all([settings(), db().user.findUniqueOrThrow({ where: { id: principal.userId! } })]);
  const enableCredit = config.mode === "service_provider";
  const creditBalance = enableCredit && principal.creditAccountId ? await creditBalanceOf(principal) : null;
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    enableCredit,
    creditBalance,
    paymentLink: enableCredit ? await paymentLink(origin) : null,
    profileLink: `${origin}/dashboard`,
  };
}
