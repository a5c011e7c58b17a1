import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { awayFromMinuteEdge } from "../helpers/minute-window";

// Requests and tokens per minute, per key, user and team (in this process: no Redis here; the
// Redis-backed, cross-process variant is tested with the two-process hub in billing-redis.test.ts).

let f: HubFixture;

async function keyFor(email: string, team?: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  if (team) await f.lib.joinTeam(email, team, "test");
  const { secret, key } = await f.lib.createApiKey({ userEmail: email, name: `${email.split("@")[0]}-key` }, "test");
  return { key, client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }) };
}

const call = (client: OpenAI) =>
  client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }).withResponse().then(
    ({ response }) => response,
    (e: InstanceType<typeof OpenAI.APIError>) => e,
  );

beforeAll(async () => {
  f = await startHubFixture();
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("rate limits", () => {
  it("refuses the request over a key's requests-per-minute with 429, Retry-After and x-ratelimit headers", async () => {
    const { key, client } = await keyFor("rpm@test.local");
    await awayFromMinuteEdge();
    await f.lib.setRateLimits({ keyId: key.id }, { rpm: "3" }, "test");
    // once the hub knows the limit, this call is the first of three
    await eventually(async () => expect(((await call(client)) as Response).headers.get("x-ratelimit-remaining-requests")).toBe("2"));
    const outcomes: Array<Response | InstanceType<typeof OpenAI.APIError>> = [];
    for (let i = 0; i < 4; i++) outcomes.push(await call(client));
    const refused = outcomes.filter((o) => o instanceof OpenAI.APIError) as Array<InstanceType<typeof OpenAI.APIError>>;
    expect(outcomes.map((o) => (o instanceof OpenAI.APIError ? o.status : o.status))).toEqual([200, 200, 429, 429]);
    const first = refused[0]!;
    expect(first.status).toBe(429);
    expect(first.code).toBe("rate_limit_exceeded");
    expect(first.message).toMatch(/Rate limit of 3 requests per minute reached for API key 'rpm-key'/);
    const retryAfter = Number(first.headers!.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(first.headers!.get("x-ratelimit-remaining-requests")).toBe("0");
    const allowed = outcomes.filter((o): o is Response => !(o instanceof OpenAI.APIError));
    expect(allowed.at(-1)!.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(allowed.at(-1)!.headers.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("counts a call's tokens against tokens-per-minute once it has ended", async () => {
    await awayFromMinuteEdge();
    const { client } = await keyFor("tpm@test.local");
    await f.lib.setRateLimits({ userEmail: "tpm@test.local" }, { tpm: "30" }, "test");
    // the first call (9 prompt + 9 completion tokens) fits; the next prompt does not fit beside it
    const first = await eventually(async () => {
      const response = await call(client);
      expect(response).not.toBeInstanceOf(OpenAI.APIError);
      expect((response as Response).headers.get("x-ratelimit-limit-tokens")).toBe("30");
      return response;
    });
    expect(first.value).toBeInstanceOf(Response);
    const second = (await eventually(async () => {
      const response = await call(client);
      expect(response).toBeInstanceOf(OpenAI.APIError);
      return response;
    })).value as InstanceType<typeof OpenAI.APIError>;
    expect(second.status).toBe(429);
    expect(second.message).toMatch(/30 tokens per minute reached for user 'tpm@test.local'/);
  });

  it("shares a team's limit between its members' keys", async () => {
    await f.lib.createTeam({ name: "tiny" }, "test");
    await f.lib.setRateLimits({ teamName: "tiny" }, { rpm: "2" }, "test");
    const a = await keyFor("a@test.local", "tiny");
    const b = await keyFor("b@test.local", "tiny");
    await awayFromMinuteEdge();
    await eventually(async () => {
      const outcomes = [await call(a.client), await call(b.client), await call(a.client)];
      const refused = outcomes.filter((o) => o instanceof OpenAI.APIError) as Array<InstanceType<typeof OpenAI.APIError>>;
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0]!.message).toMatch(/2 requests per minute reached for team 'tiny'/);
    });
  });
});
