import { z } from "zod";

// Request shape of OpenAI's Responses API (POST /v1/responses), the stateless part: the whole
// conversation comes in `input` (there is no stored response to continue from). Unknown fields are
// kept (loose objects) so newer clients are not refused for a field the hub does not use.

const inputText = z.looseObject({ type: z.literal("input_text"), text: z.string() });
const inputImage = z.looseObject({ type: z.literal("input_image"), image_url: z.string().nullable().optional(), file_id: z.string().nullable().optional() });
const inputFile = z.looseObject({ type: z.literal("input_file") });
const outputText = z.looseObject({ type: z.literal("output_text"), text: z.string() });
const refusal = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });

export const responsesContentSchema = z.discriminatedUnion("type", [inputText, inputImage, inputFile, outputText, refusal]);

const messageItem = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(responsesContentSchema)]),
});
const functionCallItem = z.looseObject({ type: z.literal("function_call"), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() });
const functionCallOutputItem = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(responsesContentSchema)]),
});
// reasoning from an earlier turn, and whatever other item types newer clients send
const otherItem = z.looseObject({ type: z.string() });

export const responsesInputItemSchema = z.union([messageItem, functionCallItem, functionCallOutputItem, otherItem]);

const textFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({ type: z.literal("json_schema"), name: z.string().min(1), schema: z.record(z.string(), z.unknown()), description: z.string().optional(), strict: z.boolean().nullable().optional() }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1, "is required"),
  input: z.union([z.string().min(1), z.array(responsesInputItemSchema).min(1)]),
  instructions: z.string().nullable().optional(),
  tools: z
    .array(z.looseObject({ type: z.string(), name: z.string().optional(), description: z.string().nullable().optional(), parameters: z.record(z.string(), z.unknown()).nullable().optional(), strict: z.boolean().nullable().optional() }))
    .optional(),
  tool_choice: z.union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string(), name: z.string().optional() })]).optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  text: z.looseObject({ format: textFormat.optional() }).nullable().optional(),
  reasoning: z.looseObject({ effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullable().optional() }).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  prompt_cache_key: z.string().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesContent = z.infer<typeof responsesContentSchema>;
