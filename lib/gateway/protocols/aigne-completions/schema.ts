import { z } from "zod";
import { toolCallSchema, toolChoiceSchema, toolSchema } from "../../../canonical/schema";

// Request shape of the original AIGNE Hub's older chat protocol (POST /api/v2/completions, also
// /api/v2/chat/completions), as its ai-kit clients send it: OpenAI's chat request in camelCase, with
// either a `prompt` (one user message) or `messages`, never both. The tool, tool-call and tool-choice
// shapes are OpenAI's own (camelCase only outside them), so they are the canonical schemas.
// Unknown fields are kept (loose objects), as in every protocol of the hub.
//
// Unlike the original, `model` is required: the hub has no default model to fall back on.

/** Bounds on lists (texts are bounded by the body's size, HUB_MAX_BODY_BYTES). */
export const COMPLETIONS_LIMITS = { messages: 5000, parts: 500, tools: 128, toolCalls: 128 };

const name = z.string().max(256).nullable().optional();

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const imagePart = z.looseObject({ type: z.literal("image_url"), imageUrl: z.looseObject({ url: z.string().min(1, "is required") }) });

const messageSchema = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: z.string().nullable(), name }),
  z.looseObject({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, imagePart])).max(COMPLETIONS_LIMITS.parts)]).nullable(),
    name,
  }),
  z.looseObject({
    role: z.literal("assistant"),
    content: z.string().nullable().optional(),
    toolCalls: z.array(toolCallSchema).max(COMPLETIONS_LIMITS.toolCalls).nullable().optional(),
    name,
  }),
  z.looseObject({ role: z.literal("tool"), content: z.string(), toolCallId: z.string().min(1, "is required").max(256) }),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    jsonSchema: z.looseObject({
      name: z.string().min(1, "is required").max(256),
      description: z.string().nullable().optional(),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

export const completionsRequestSchema = z
  .looseObject({
    model: z.string().min(1, "is required").max(256),
    prompt: z.string().min(1, "must not be empty").optional(),
    messages: z.array(messageSchema).min(1, "must contain at least one message").max(COMPLETIONS_LIMITS.messages).optional(),
    // with an `Accept: text/event-stream` header the answer streams too (index.ts)
    stream: z.boolean().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    topP: z.number().min(0).max(1).nullable().optional(),
    presencePenalty: z.number().min(-2).max(2).nullable().optional(),
    frequencyPenalty: z.number().min(-2).max(2).nullable().optional(),
    maxTokens: z.number().int().positive().nullable().optional(),
    tools: z.array(toolSchema).max(COMPLETIONS_LIMITS.tools).nullable().optional(),
    toolChoice: toolChoiceSchema.nullable().optional(),
    responseFormat: responseFormatSchema.nullable().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.prompt !== undefined && body.messages !== undefined) {
      ctx.addIssue({ code: "custom", path: ["prompt"], message: "send either a prompt or messages, not both" });
    } else if (body.prompt === undefined && body.messages === undefined) {
      ctx.addIssue({ code: "custom", path: ["messages"], message: "is required (or a prompt)" });
    }
  });

export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;
export type CompletionsMessage = z.infer<typeof messageSchema>;
