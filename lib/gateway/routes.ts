import { healthz, metricsExposition, readyz } from "../health";
import { chatEndpoint } from "./chat";
import { createEmbeddings } from "./embeddings";
import { speech, transcribe } from "./audio";
import { createModeration } from "./moderations";
import { methodNotAllowed, unknownUrl } from "./errors";
import { generateImages } from "./images";
import { listModels, retrieveModel } from "./models";
import { aigneHub } from "./protocols/aigne-hub";
import { aigneCompletions } from "./protocols/aigne-completions";
import { aigneHubImage, aigneHubModels, aigneHubUserInfo, discovery } from "./protocols/aigne-hub/endpoints";
import { aigneHubError } from "./protocols/aigne-hub/response";
import { creditBalance, creditTransactions, creditTransactionsQuery, hubStatus, paymentLink, statusQuery } from "./protocols/aigne-hub/account";
import { aigneImageRequestSchema } from "./protocols/aigne-hub/schema";
import { anthropic } from "./protocols/anthropic";
import { countMessageTokens } from "./protocols/anthropic/count-tokens";
import { anthropicError } from "./protocols/anthropic/response";
import { countTokensRequestSchema } from "./protocols/anthropic/schema";
import { gatewayDocument } from "./openapi";
import { openai } from "./protocols/openai";
import { responses } from "./protocols/responses";
import { Reply } from "../http/reply";
import { gatewayCall } from "./with-api-key";
import { aigneVideo, aigneVideoRequestSchema, contentQuery, createVideo, deleteVideo, linkedVideo, linkQuery, listCallerVideos, listQuery, retrieveVideo, videoContent } from "./videos";
import { ApiError } from "../http/api-error";
import { fromZodError } from "./errors";
import { type InboundRequest } from "../http/inbound";
import { embeddingsRequestSchema, imagesRequestSchema } from "../canonical/schema";
import { moderationRequestSchema, speechRequestSchema } from "../canonical/audio";

// Every API the hub serves, defined once. The hub's HTTP server answers them straight from Node
// (node-front.ts) without loading Next, in production and under `npm run dev` alike (scripts/dev.mts);
// Next serves only the web UI and its own APIs (test/unit/route-table.test.ts keeps it that way).

export type Serve = (request: InboundRequest) => Promise<Reply> | Reply;

// speech to text and text to speech: one handler each, served under OpenAI's paths and the original AIGNE Hub's
const transcriptions: Serve = gatewayCall({ endpoint: "audio" }, (ctx, _body, request) => transcribe(ctx, request, "transcription"));
const speechRoute: Serve = gatewayCall({ endpoint: "audio", body: speechRequestSchema }, (ctx, body) => speech(ctx, body));

const routes: Record<string, Record<string, Serve>> = {
  // chat completion, streamed or not
  "/v1/chat/completions": { POST: chatEndpoint(openai) },
  // embeddings for one or more inputs
  "/v1/embeddings": { POST: gatewayCall({ endpoint: "embeddings", body: embeddingsRequestSchema }, (ctx, body) => createEmbeddings(ctx, body)) },
  // images from a prompt
  "/v1/images/generations": { POST: gatewayCall({ endpoint: "images", body: imagesRequestSchema }, (ctx, body) => generateImages(ctx, body)) },
  // speech to text (a multipart upload), into English, and text to speech (streamed back)
  "/v1/audio/transcriptions": { POST: transcriptions },
  "/v1/audio/translations": { POST: gatewayCall({ endpoint: "audio" }, (ctx, _body, request) => transcribe(ctx, request, "translation")) },
  "/v1/audio/speech": { POST: speechRoute },
  // content moderation
  // video generation: jobs that run upstream; the hub polls them and keeps the finished file
  "/v1/videos": {
    POST: gatewayCall({ endpoint: "videos" }, (ctx, _body, request) => createVideo(ctx, request)),
    GET: gatewayCall({ endpoint: "videos", query: listQuery }, (ctx, _body, _request, query) => listCallerVideos(ctx, query)),
  },
  "/v1/moderations": { POST: gatewayCall({ endpoint: "moderations", body: moderationRequestSchema }, (ctx, body) => createModeration(ctx, body)) },
  // Anthropic's Messages API (key as x-api-key or Bearer), streamed or not
  "/v1/messages": { POST: chatEndpoint(anthropic) },
  // Anthropic's token counting
  "/v1/messages/count_tokens": { POST: gatewayCall({ endpoint: "messages", body: countTokensRequestSchema, errorFormat: anthropicError }, (ctx, body) => countMessageTokens(ctx, body)) },
  // OpenAI's Responses API (stateless), streamed or not
  "/v1/responses": { POST: chatEndpoint(responses) },
  // the models this key may use
  "/v1/models": { GET: gatewayCall({ endpoint: "models" }, (ctx) => listModels(ctx.principal)) },
  // the AIGNE Hub protocol (the AIGNE framework's @aigne/aigne-hub client): chat, embeddings (OpenAI's
  // request and answer), images, the public model list, the key's balance and the discovery document
  "/api/v2/chat": { POST: chatEndpoint(aigneHub) },
  // the original AIGNE Hub's older chat protocol (ai-kit's chatCompletionsV2), under both of its paths
  "/api/v2/completions": { POST: chatEndpoint(aigneCompletions) },
  "/api/v2/chat/completions": { POST: chatEndpoint(aigneCompletions) },
  "/api/v2/embeddings": { POST: gatewayCall({ endpoint: "embeddings", body: embeddingsRequestSchema, errorFormat: aigneHubError }, (ctx, body) => createEmbeddings(ctx, body)) },
  "/api/v2/image": { POST: gatewayCall({ endpoint: "images", body: aigneImageRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneHubImage(ctx, body)) },
  // the AIGNE framework's video model: one call that waits for the job and answers with a signed link
  "/api/v2/video": { POST: gatewayCall({ endpoint: "videos", body: aigneVideoRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneVideo(ctx, body)) },
  // the original hub proxies these to OpenAI's /v1/audio/* unchanged: the same calls, metering, holds and errors
  "/api/v2/audio/transcriptions": { POST: transcriptions },
  "/api/v2/audio/speech": { POST: speechRoute },
  "/api/ai/models": { GET: aigneHubModels },
  "/api/user/info": { GET: gatewayCall({ endpoint: "billing" }, (ctx) => aigneHubUserInfo(ctx.principal, ctx.origin)) },
  "/api/user/credit/balance": { GET: gatewayCall({ endpoint: "billing", errorFormat: aigneHubError }, (ctx) => creditBalance(ctx.principal)) },
  "/api/user/credit/transactions": {
    GET: gatewayCall({ endpoint: "billing", query: creditTransactionsQuery, errorFormat: aigneHubError }, (ctx, _body, _request, query) => creditTransactions(ctx.principal, query)),
  },
  // the link as a JSON string, as the original hub answers it
  "/api/user/credit/payment-link": { GET: gatewayCall({ endpoint: "billing", errorFormat: aigneHubError }, async (ctx) => Reply.json(await paymentLink(ctx.origin))) },
  // whether the hub can serve this key (credit) and, with ?model=, that model: always 200, { available, error?, code? }
  "/api/v2/status": { GET: gatewayCall({ endpoint: "billing", query: statusQuery, errorFormat: aigneHubError }, async (ctx, _body, _request, query) => hubStatus(ctx, query.model)) },
  "/__blocklet__.js": { GET: discovery },
  // probes: alive; ready (database, migrations, Redis); Prometheus exposition
  "/healthz": { GET: healthz },
  "/readyz": { GET: readyz },
  "/metrics": { GET: metricsExposition },
  // this table as an OpenAPI 3.1 document (public: shapes, never data)
  "/v1/openapi.json": { GET: () => Reply.json(gatewayDocument(), { "cache-control": "no-cache" }) },
};

const idAfter = (request: InboundRequest, prefix: string) => decodeURIComponent(new URL(request.url).pathname.slice(prefix.length).split("/")[0]!);

// one video, and its file
const videoRoute: Record<string, Serve> = {
  GET: gatewayCall({ endpoint: "videos" }, (ctx, _body, request) => retrieveVideo(ctx, idAfter(request, "/v1/videos/"))),
  DELETE: gatewayCall({ endpoint: "videos" }, (ctx, _body, request) => deleteVideo(ctx, idAfter(request, "/v1/videos/"))),
};
const videoContentRoute: Record<string, Serve> = {
  GET: gatewayCall({ endpoint: "videos", query: contentQuery }, (ctx, _body, request, query) => videoContent(ctx, idAfter(request, "/v1/videos/"), query)),
};
// a signed link to a video's file (no key: the signature is the permission)
const videoLinkRoute: Record<string, Serve> = {
  GET: async (request) => {
    try {
      const parsed = linkQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success) throw fromZodError(parsed.error);
      return await linkedVideo(idAfter(request, "/api/v2/video/files/"), parsed.data);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return Reply.json(error.toJSON(), error.headers, error.status);
    }
  },
};

/** The routes under a path prefix whose last segments are ids. */
function prefixRoute(path: string): Record<string, Serve> | undefined {
  if (path.startsWith("/v1/models/")) return modelRoute;
  if (/^\/v1\/videos\/[^/]+$/.test(path)) return videoRoute;
  if (/^\/v1\/videos\/[^/]+\/content$/.test(path)) return videoContentRoute;
  if (/^\/api\/v2\/video\/files\/[^/]+$/.test(path)) return videoLinkRoute;
  return undefined;
}

// one model (names may contain "/")
const modelRoute: Record<string, Serve> = {
  GET: gatewayCall({ endpoint: "models" }, (ctx, _body, request) =>
    retrieveModel(ctx.principal, decodeURIComponent(new URL(request.url).pathname.slice("/v1/models/".length))),
  ),
};

/** What serves a request to this path; null when it is not the gateway's (Next's pages and APIs). */
export function gatewayRoute(method: string, path: string): Serve | null {
  const route = routes[path] ?? prefixRoute(path);
  if (route) return route[method] ?? (method === "HEAD" ? route.GET : undefined) ?? methodNotAllowed;
  return path === "/v1" || path.startsWith("/v1/") ? unknownUrl : null;
}

/** Every path of the table with its methods (the path of one model stands for all of them). */
export const gatewayPaths = (): Array<{ path: string; methods: string[] }> => [
  ...Object.entries(routes).map(([path, route]) => ({ path, methods: Object.keys(route) })),
  { path: "/v1/models/{model}", methods: Object.keys(modelRoute) },
  { path: "/v1/videos/{video_id}", methods: Object.keys(videoRoute) },
  { path: "/v1/videos/{video_id}/content", methods: Object.keys(videoContentRoute) },
  { path: "/api/v2/video/files/{video_id}", methods: Object.keys(videoLinkRoute) },
];
