import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  await f?.close();
});

const TOOLS = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

async function keyAt(level: string) {
  const { secret, key } = await f.lib.createApiKey({ userEmail: MEMBER, name: `log ${level}` }, "test");
  await f.lib.setLogLevel({ keyId: key.id }, level, "test");
  return new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
}

const body = (requestId: string) =>
  eventually(async () => {
    const row = await f.db.callBody.findUnique({ where: { requestId } });
    if (!row) throw new Error("not written yet");
    return row;
  }, 5000).then((r) => r.value);

describe("request logging", () => {
  it("logs the redacted request and answer of a key at bodies, streamed with a tool call too", async () => {
    const client = await keyAt("bodies");
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "mail jane@example.com about card 4111 1111 1111 1111" }] })
      .withResponse();
    const plain = await body(response.headers.get("x-request-id")!);
    expect(plain.request).toContain("[REDACTED:email]");
    expect(plain.request).toContain("[REDACTED:card]");
    expect(plain.request).not.toContain("jane@example.com");
    expect(JSON.parse(plain.response!)).toMatchObject({ object: "chat.completion" });

    const { data: stream, response: streamed } = await client.chat.completions
      .create({ model: "gpt-4o-mini", stream: true, tools: TOOLS, messages: [{ role: "user", content: "weather?" }] })
      .withResponse();
    for await (const _ of stream) void _;
    const logged = await body(streamed.headers.get("x-request-id")!);
    const answer = JSON.parse(logged.response!) as { choices: Array<{ message: { tool_calls: Array<{ function: { name: string } }> }; finish_reason: string }> };
    expect(answer.choices[0]!.message.tool_calls[0]!.function.name).toBe("get_weather");
    expect(answer.choices[0]!.finish_reason).toBe("tool_calls");
    expect(logged.expiresAt.getTime() - logged.createdAt.getTime()).toBe(30 * 86_400_000);
  });

  it("keeps no body for a key at metadata", async () => {
    const client = await keyAt("metadata");
    const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).withResponse();
    const requestId = response.headers.get("x-request-id")!;
    await f.usageEvent(requestId);
    await new Promise((r) => setTimeout(r, 600));
    expect(await f.db.callBody.findUnique({ where: { requestId } })).toBeNull();
  });
});
