import { z } from "zod";

// Request shapes of the AIGNE Hub protocol (v2), as the published @aigne/aigne-hub client sends them
// through @aigne/transport: POST /api/v2/chat with {input: ChatModelInput, agent?, options?}.
// Unknown fields are kept (loose objects): the AIGNE framework adds fields over time.

const textContent = z.looseObject({ type: z.literal("text"), text: z.string(), isThinking: z.boolean().optional() });
const urlContent = z.looseObject({ type: z.literal("url"), url: z.string().min(1), mimeType: z.string().optional() });
const fileContent = z.looseObject({ type: z.literal("file"), data: z.string().min(1), mimeType: z.string().optional() });
const localContent = z.looseObject({ type: z.literal("local"), path: z.string() });

export const aigneContentSchema = z.discriminatedUnion("type", [textContent, urlContent, fileContent, localContent]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.unknown() }),
});

const messageSchema = z.looseObject({
  role: z.enum(["system", "user", "agent", "tool"]),
  content: z.union([z.string(), z.array(aigneContentSchema)]).nullable().optional(),
  toolCalls: z.array(toolCall).nullable().optional(),
  toolCallId: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
});

const toolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
});

export const aigneChatInputSchema = z.looseObject({
  messages: z.array(messageSchema).min(1, "must contain at least one message"),
  tools: z.array(toolSchema).nullable().optional(),
  toolChoice: z
    .union([z.enum(["auto", "none", "required", "router"]), z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) })])
    .nullable()
    .optional(),
  responseFormat: z
    .union([
      z.looseObject({ type: z.literal("text") }),
      z.looseObject({
        type: z.literal("json_schema"),
        jsonSchema: z.looseObject({ name: z.string().min(1), description: z.string().optional(), schema: z.record(z.string(), z.unknown()), strict: z.boolean().optional() }),
      }),
    ])
    .nullable()
    .optional(),
  modelOptions: z
    .looseObject({
      model: z.string().min(1, "is required"),
      temperature: z.number().nullable().optional(),
      topP: z.number().nullable().optional(),
      frequencyPenalty: z.number().nullable().optional(),
      presencePenalty: z.number().nullable().optional(),
      parallelToolCalls: z.boolean().nullable().optional(),
      reasoningEffort: z.union([z.enum(["minimal", "low", "medium", "high"]), z.number()]).nullable().optional(),
      // not in the framework's ChatModelInputOptions (its modelOptions pass through): the output cap, when a caller sets one
      maxTokens: z.number().int().positive().nullable().optional(),
    }),
});

export const aigneChatRequestSchema = z.looseObject({
  input: aigneChatInputSchema,
  agent: z.string().optional(),
  options: z.looseObject({ streaming: z.boolean().optional() }).nullable().optional(),
});

export type AigneChatRequest = z.infer<typeof aigneChatRequestSchema>;
export type AigneContent = z.infer<typeof aigneContentSchema>;

/** POST /api/v2/image: the AIGNE framework's ImageModelInput (generation; edits are not supported). */
export const aigneImageRequestSchema = z.looseObject({
  input: z.looseObject({
    prompt: z.string().min(1, "is required"),
    n: z.number().int().min(1).max(10).optional(),
    image: z.array(aigneContentSchema).optional(),
    modelOptions: z.looseObject({
      model: z.string().min(1, "is required"),
      size: z.string().optional(),
      quality: z.string().optional(),
      style: z.string().optional(),
    }),
  }),
});

/** The framework's VideoModelInput (`AIGNEHubVideoModel` sends `seconds` as a string). */
export const aigneVideoRequestSchema = z.looseObject({
  input: z.looseObject({
    prompt: z.string().min(1, "is required"),
    model: z.string().optional(),
    size: z.string().optional(),
    seconds: z.union([z.string(), z.number()]).optional(),
    image: aigneContentSchema.optional(),
    modelOptions: z.looseObject({ model: z.string().optional() }).optional(),
    outputFileType: z.string().optional(),
  }),
});

export type AigneImageRequest = z.infer<typeof aigneImageRequestSchema>;
