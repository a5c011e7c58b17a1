import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKind } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, type HubProcess } from "../helpers/hub-process";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

// The database goes away under a running hub (Postgres behind a proxy the test cuts): /v1 answers
// 503 fast instead of hanging, nothing metered is lost, and the hub recovers by itself.

describe.runIf(testDatabaseKind() === "postgres")("database outage", () => {
  let f: HubFixture;
  let proxy: TcpProxy;
  let hub: HubProcess;

  beforeAll(async () => {
    f = await startHubFixture();
    const url = new URL(f.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    hub = await startHubProcess({ ...f.env, DATABASE_URL: url.toString() });
  }, 90_000);

  afterAll(async () => {
    await hub?.stop("SIGKILL");
    await proxy?.close();
    await f?.close();
  });

  const clientFor = (apiKey: string) => new OpenAI({ baseURL: hub.baseURL, apiKey, maxRetries: 0, timeout: 15_000 });
  const chat = (client: OpenAI, content: string) => client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();

  it("answers 503 within seconds while the database is down, keeps what it metered, and recovers", async () => {
    const known = clientFor(f.apiKey);
    await chat(known, "before the outage");

    await proxy.cut();
    // a key the hub has not seen needs the database: a clear 503, fast
    const { secret } = await f.lib.createApiKey({ userEmail: MEMBER, name: "during the outage" }, "test");
    const started = Date.now();
    const refused = await chat(clientFor(secret), "who am I").then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(refused).toMatchObject({ status: 503, code: "database_unavailable" });
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBeTruthy();
    // a key it knows is still served from memory; its usage waits for the database
    const { response } = await chat(known, "during the outage");
    const requestId = response.headers.get("x-request-id")!;

    await proxy.restore();
    await eventually(() => chat(clientFor(secret), "after the outage"), 20_000, 250);
    // the call served during the outage was metered once the database was back
    const event = await f.usageEvent(requestId, 20_000);
    expect(event).toMatchObject({ status: 200, requestedModel: "gpt-4o-mini" });
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  });
});
