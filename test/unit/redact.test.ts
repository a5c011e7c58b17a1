import { describe, expect, it } from "vitest";
import { ADMIN_PATTERN_SLICE, luhnValid, redactor } from "@/lib/logging/redact";
import { redactPatternsSchema } from "@/lib/settings";
import { StreamAssembler, storedBody } from "@/lib/logging/bodies";

const builtIn = redactor([]);

describe("redaction of logged bodies", () => {
  it.each([
    ["my key is sk-proj-abcdefghijklmnopqrstuvwx ok", "my key is [REDACTED:api_key] ok"],
    ["anthropic sk-ant-api03-AbCdEfGhIjKlMnOpQrSt", "anthropic [REDACTED:api_key]"],
    ["hub sk-hub-0123456789abcdef0123", "hub [REDACTED:api_key]"],
    ["aws AKIAIOSFODNN7EXAMPLE here", "aws [REDACTED:api_key] here"],
    ["google AIzaSyA-1234567890abcdefghijklmnopqrstu", "google [REDACTED:api_key]"],
    ["Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: [REDACTED:api_key]"],
    ["write to Jane.Doe+hub@example.co.uk today", "write to [REDACTED:email] today"],
    ["card 4111 1111 1111 1111 exp", "card [REDACTED:card] exp"],
    ["card 5500-0000-0000-0004.", "card [REDACTED:card]."],
    ["amex 378282246310005", "amex [REDACTED:card]"],
    ["call +8613812345678 now", "call [REDACTED:phone] now"],
    ["call (415) 555-0100 now", "call [REDACTED:phone] now"],
    ["call +1 415 555 0100 now", "call [REDACTED:phone] now"],
    ["call 415-555-0100", "call [REDACTED:phone]"],
  ])("redacts %j", (input, expected) => {
    expect(builtIn(input)).toBe(expected);
  });

  it.each([
    "order 1234567890123 shipped", // 13 digits that fail the Luhn check
    "on 2024-01-15 at 10:30",
    "version 1.2.3, 42 tokens, id 12345",
    "sk-short",
  ])("leaves %j alone", (input) => {
    expect(builtIn(input)).toBe(input);
  });

  it("checks card numbers with Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
  });

  it("applies the operator's regexes after the built-ins", () => {
    const redact = redactor(["ACCT-\\d{6}"]);
    expect(redact("account ACCT-123456 of a@b.io")).toBe("account [REDACTED:custom] of [REDACTED:email]");
  });

  it("runs an operator's regex over bounded slices of a long text", () => {
    const redact = redactor(["x+y"]);
    const long = "x".repeat(ADMIN_PATTERN_SLICE * 3);
    const started = performance.now();
    expect(redact(long)).toBe(long);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses regexes that do not compile, backtrack catastrophically, are too long or too many", () => {
    expect(redactPatternsSchema.safeParse(["ACCT-\\d+", "secret"]).success).toBe(true);
    expect(redactPatternsSchema.safeParse(["(unclosed"]).success).toBe(false);
    expect(redactPatternsSchema.safeParse(["(a+)+$"]).success).toBe(false);
    expect(redactPatternsSchema.safeParse(["(\\w*)*x"]).success).toBe(false);
    expect(redactPatternsSchema.safeParse(["a".repeat(201)]).success).toBe(false);
    expect(redactPatternsSchema.safeParse(Array.from({ length: 51 }, (_, i) => `p${i}`)).success).toBe(false);
  });
});

describe("stored bodies", () => {
  it("redacts every string, leaves vectors and images out and keeps the JSON readable", () => {
    const body = { input: ["mail me at a@b.io"], data: [{ embedding: [0.1, 0.2, 0.3] }, { b64_json: "QUJD" }] };
    const stored = storedBody(body, builtIn, 64 * 1024);
    expect(stored.truncated).toBe(false);
    expect(JSON.parse(stored.text)).toEqual({ input: ["mail me at [REDACTED:email]"], data: [{ embedding: "[3 numbers]" }, { b64_json: "[base64 image, 4 characters]" }] });
  });

  it("cuts a body at the cap and says so", () => {
    const stored = storedBody({ messages: [{ content: "a".repeat(5000) }, { content: "b".repeat(5000) }] }, builtIn, 2048);
    expect(stored.truncated).toBe(true);
    expect(Buffer.byteLength(stored.text)).toBeLessThanOrEqual(2048);
  });

  it("keeps a cut body valid JSON, its structure whole and its strings shortened, multi-byte text and escapes too", () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({ role: "user", content: `${i} "quoted" 中文 `.repeat(50) }));
    const stored = storedBody({ model: "m", messages }, builtIn, 2048);
    expect(stored.truncated).toBe(true);
    expect(Buffer.byteLength(stored.text)).toBeLessThanOrEqual(2048);
    expect(JSON.parse(stored.text)).toMatchObject({ model: "m" });
  });

  it("puts a streamed answer back together: text, reasoning, tool calls, finish reason, usage", () => {
    const assembler = new StreamAssembler();
    const chunk = (delta: object, finish: string | null = null, usage: object | null = null) =>
      ({ id: "c1", model: "m", object: "chat.completion.chunk", created: 0, choices: [{ index: 0, delta, finish_reason: finish }], usage }) as never;
    assembler.add(chunk({ role: "assistant", reasoning_content: "think" }));
    assembler.add(chunk({ content: "Hel" }));
    assembler.add(chunk({ content: "lo" }));
    assembler.add(chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"ci' } }] }));
    assembler.add(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, "tool_calls"));
    assembler.add(chunk({}, null, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }));
    expect(assembler.result()).toMatchObject({
      id: "c1",
      choices: [
        {
          message: { content: "Hello", reasoning_content: "think", tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          finish_reason: "tool_calls",
        },
      ],
      usage: { total_tokens: 7 },
    });
  });
});
