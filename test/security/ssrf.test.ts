import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { replyText } from "../fakes/contract";
import { startFakeGemini } from "../fakes/gemini-upstream";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// SSRF through image URLs: Gemini (like Bedrock and Ollama) takes image bytes only, so the hub fetches
// the tenant's image URLs itself. A tenant must not make it fetch anything on the hub's own network —
// whatever way the address is spelled, through a name or a redirect — nor hold it with an endless
// body, a slow server or a thousand images.
//
// A loopback "victim" listens on every address of this host (dual stack) and records each hit; an
// "image host" on 127.0.0.1 is the only place the hub may fetch from, through the narrow test-only
// allow-list HUB_IMAGE_FETCH_ALLOW_HOSTS (exact host:port), so the guard stays on for everything else.

const PNG = Buffer.from(FAKE_PNG_BASE64, "base64");
const MAX_IMAGES = 3;
const MAX_BYTES = 256 * 1024;
const DEADLINE_MS = 1500;

interface Recorder {
  port: number;
  hits: string[];
  /** connections the image host saw closed before it finished an answer */
  cutOff: string[];
  close(): Promise<void>;
}

async function listen(host: string, handle: http.RequestListener): Promise<Recorder> {
  const hits: string[] = [];
  const cutOff: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.headers.host ?? ""}${req.url ?? ""}`);
    res.on("close", () => {
      if (!res.writableFinished) cutOff.push(req.url ?? "");
    });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host, ipv6Only: false }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    cutOff,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function imageHost(victimPort: () => number): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://image.host");
    if (url.pathname === "/picture.png") return void res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (url.pathname === "/redirect") return void res.writeHead(302, { location: url.searchParams.get("to")!.replace("VICTIM", String(victimPort())) }).end();
    if (url.pathname === "/endless") {
      // a PNG that never ends, sent chunked (no content-length to trust)
      res.writeHead(200, { "content-type": "image/png" });
      const chunk = Buffer.alloc(16 * 1024, 0x42);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      res.write(PNG);
      pump();
      return;
    }
    if (url.pathname === "/slow") return void setTimeout(() => res.writeHead(200, { "content-type": "image/png" }).end(PNG), 20_000);
    res.writeHead(404).end();
  };
}

let f: HubFixture;
let gemini: Awaited<ReturnType<typeof startFakeGemini>>;
let victim: Recorder;
let images: Recorder;
let imageBase: string;

/** A chat completion through Gemini with these image URLs, as a raw HTTP exchange. */
async function chatWithImages(...urls: string[]) {
  const started = Date.now();
  const response = await fetch(`${f.hub.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "gemini/chat-model",
      messages: [{ role: "user", content: [{ type: "text", text: "see" }, ...urls.map((url) => ({ type: "image_url", image_url: { url } }))] }],
    }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { message: string; type: string; code: string | null; param: string | null } }, elapsedMs: Date.now() - started };
}

function expectOpenAIError(result: Awaited<ReturnType<typeof chatWithImages>>, code: string) {
  expect(result.status, JSON.stringify(result.body)).toBe(400);
  expect(result.body.error).toEqual({ message: expect.any(String), type: "invalid_request_error", code, param: null });
  // the tenant learns nothing of the hub's network: no resolved address, no socket error
  expect(result.body.error!.message).not.toMatch(/127\.0\.0\.1|::1|ECONN|EHOST|ENET|\n\s+at /);
}

beforeAll(async () => {
  victim = await listen("::", (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG));
  images = await listen("127.0.0.1", imageHost(() => victim.port));
  imageBase = `http://127.0.0.1:${images.port}`;
  gemini = await startFakeGemini();
  f = await startHubFixture({
    env: {
      HUB_IMAGE_FETCH_ALLOW_HOSTS: `127.0.0.1:${images.port}`,
      HUB_IMAGE_FETCH_MAX_IMAGES: String(MAX_IMAGES),
      HUB_IMAGE_FETCH_MAX_BYTES: String(MAX_BYTES),
      HUB_IMAGE_FETCH_TIMEOUT_MS: String(DEADLINE_MS),
    },
  });
  await f.lib.addProvider({ type: "gemini", name: "gemini", baseUrl: gemini.url, apiKey: gemini.apiKey }, "test");
  await eventually(async () => {
    const { status } = await chatWithImages(`data:image/png;base64,${FAKE_PNG_BASE64}`);
    if (status !== 200) throw new Error(`gemini not routed yet (${status})`);
  }, 5000);
}, 120_000);

afterAll(async () => {
  await f?.close();
  await gemini?.close();
  await victim?.close();
  await images?.close();
});

beforeEach(() => {
  victim.hits.length = 0;
  images.hits.length = 0;
  images.cutOff.length = 0;
});

describe("SSRF through image URLs", () => {
  it("fetches an image from a host the operator allowed (so every refusal below is the guard's)", async () => {
    const result = await chatWithImages(`${imageBase}/picture.png`);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(images.hits).toEqual([`127.0.0.1:${images.port}/picture.png`]);
    const completion = result.body as unknown as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]!.message.content).toBe(replyText("see", [{ mediaType: "image/png", bytes: 0 }]));
  });

  // every spelling of loopback, and the other internal ranges; :V is the victim's port
  const LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:V/",
    "http://127.1:V/",
    "http://2130706433:V/",
    "http://0x7f.0.0.1:V/",
    "http://0177.0.0.1:V/",
    "http://0x7f000001:V/",
    "http://127.0.0.1.:V/",
    "http://127.8.9.10:V/",
    "http://[::1]:V/",
    "http://[0:0:0:0:0:0:0:1]:V/",
    "http://[::ffff:127.0.0.1]:V/",
    "http://[::ffff:7f00:1]:V/",
    "http://[0:0:0:0:0:ffff:7f00:1]:V/",
    "http://[::ffff:0:7f00:1]:V/",
    "http://[::127.0.0.1]:V/",
    "http://[64:ff9b::7f00:1]:V/",
    "http://[64:ff9b::127.0.0.1]:V/",
    "http://[2002:7f00:1::]:V/",
    "http://0.0.0.0:V/",
    "http://0:V/",
    "http://[::]:V/",
    "http://localhost:V/",
    "http://LOCALHOST:V/",
    "https://localhost:V/",
    "http://tenant@127.0.0.1:V/",
  ];
  const INTERNAL_RANGES = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]:V/",
    "http://10.0.0.1:V/",
    "http://172.16.0.1:V/",
    "http://172.31.255.255:V/",
    "http://192.168.0.1:V/",
    "http://100.64.0.1:V/",
    "http://[fd00::1]:V/",
    "http://[fc00::1]:V/",
    "http://[ff02::1]:V/",
    "http://224.0.0.1:V/",
    "http://255.255.255.255:V/",
    "http://198.18.0.1:V/",
    "http://240.0.0.1:V/",
  ];

  it.each([...LOOPBACK_SPELLINGS, ...INTERNAL_RANGES])("refuses %s before connecting", async (spelling) => {
    const result = await chatWithImages(spelling.replace(":V/", `:${victim.port}/`));
    expectOpenAIError(result, "image_url_not_allowed");
    expect(result.body.error!.message).toMatch(/host is not allowed/);
    expect(victim.hits).toEqual([]);
  });

  it("refuses a redirect from an allowed host to loopback, in any spelling", async () => {
    for (const target of ["http://127.0.0.1:VICTIM/", "http://[::ffff:7f00:1]:VICTIM/", "http://localhost:VICTIM/", "http://169.254.169.254/latest/meta-data/"]) {
      const result = await chatWithImages(`${imageBase}/redirect?to=${encodeURIComponent(target)}`);
      expectOpenAIError(result, "image_url_not_allowed");
      expect(images.hits.at(-1)).toContain("/redirect");
    }
    expect(victim.hits).toEqual([]);
  });

  it("follows a redirect between allowed URLs, checking each hop", async () => {
    const result = await chatWithImages(`${imageBase}/redirect?to=${encodeURIComponent(`${imageBase}/picture.png`)}`);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(images.hits.map((hit) => hit.split("?")[0])).toEqual([`127.0.0.1:${images.port}/redirect`, `127.0.0.1:${images.port}/picture.png`]);
  });

  it("stops reading an endless chunked image at the byte cap, at once", async () => {
    const result = await chatWithImages(`${imageBase}/endless`);
    expectOpenAIError(result, "image_too_large");
    expect(result.body.error!.message).toContain(String(MAX_BYTES));
    expect(result.elapsedMs).toBeLessThan(DEADLINE_MS);
    await eventually(async () => expect(images.cutOff).toEqual(["/endless"]), 2000);
  });

  it("refuses more images than the cap, naming the limit, before fetching any", async () => {
    const urls = Array.from({ length: MAX_IMAGES + 1 }, (_, i) => `${imageBase}/picture.png?i=${i}`);
    const result = await chatWithImages(...urls);
    expectOpenAIError(result, "too_many_images");
    expect(result.body.error!.message).toContain(String(MAX_IMAGES));
    expect(images.hits).toEqual([]);
  });

  it("fetches as many images as the cap allows", async () => {
    const urls = Array.from({ length: MAX_IMAGES }, (_, i) => `${imageBase}/picture.png?i=${i}`);
    const result = await chatWithImages(...urls, `data:image/png;base64,${FAKE_PNG_BASE64}`);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(images.hits).toHaveLength(MAX_IMAGES);
  });

  it("gives all the image fetches of a request one deadline", async () => {
    const result = await chatWithImages(`${imageBase}/slow?a`, `${imageBase}/slow?b`, `${imageBase}/slow?c`);
    expectOpenAIError(result, "image_fetch_timeout");
    expect(result.body.error!.message).toContain(String(DEADLINE_MS));
    expect(result.elapsedMs).toBeLessThan(DEADLINE_MS * 2);
  });
});
