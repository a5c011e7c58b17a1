import http from "node:http";
import { describe, expect, it } from "vitest";
import { ConfigError, env } from "@/lib/env";
import { requestImages, type ImageFetchSettings } from "@/lib/providers/shared/images";
import { parseDataUrl, sniffImageType } from "@/lib/canonical/data-url";
import type { ChatMessage } from "@/lib/canonical/schema";
import { UpstreamError } from "@/lib/providers/upstream-error";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";

const signal = new AbortController().signal;

async function serve(body: Buffer, type: string) {
  let hits = 0;
  const server = http.createServer((_req, res) => (hits++, res.writeHead(200, { "content-type": type }).end(body)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const authority = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: `http://${authority}/x`, authority, hits: () => hits, close: () => server.close() };
}

const settings = (overrides: Partial<ImageFetchSettings> = {}): ImageFetchSettings => ({
  maxImages: 4,
  maxBytes: 1024 * 1024,
  timeoutMs: 5000,
  maxRedirects: 3,
  allowHosts: new Set(),
  allowPrivate: false,
  ...overrides,
});

const withImages = (...urls: string[]): ChatMessage[] => [{ role: "user", content: [{ type: "text", text: "see" }, ...urls.map((url) => ({ type: "image_url" as const, image_url: { url } }))] }];

/** the 400 an image URL fails with */
async function refusalOf(urls: string[], options?: Partial<ImageFetchSettings>): Promise<UpstreamError> {
  const failure = await (async () => {
    const images = requestImages(withImages(...urls), signal, settings(options));
    for (const url of urls) await images.inline(url);
  })().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(UpstreamError);
  expect((failure as UpstreamError).status).toBe(400);
  return failure as UpstreamError;
}

describe("inline images", () => {
  it("reads data URLs and sniffs types from magic bytes", () => {
    expect(parseDataUrl(`data:image/png;base64,${FAKE_PNG_BASE64}`)).toEqual({ mediaType: "image/png", base64: FAKE_PNG_BASE64 });
    expect(sniffImageType(Buffer.from(FAKE_PNG_BASE64, "base64"))).toBe("image/png");
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("RIFF0000WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("hello"))).toBeNull();
  });

  it("refuses to fetch from loopback and private addresses (no SSRF through the hub)", async () => {
    for (const url of ["http://127.0.0.1/a.png", "http://10.1.2.3/a.png", "http://192.168.1.1/a.png", "http://[::1]/a.png", "http://[::ffff:7f00:1]/a.png", "http://169.254.169.254/latest/meta-data"]) {
      const failure = await refusalOf([url]);
      expect(failure.code).toBe("image_url_not_allowed");
      expect(failure.message).toBe("the image URL's host is not allowed: the hub fetches images only from public addresses");
    }
    expect((await refusalOf(["ftp://example.com/a.png"])).message).toMatch(/data: URL or an http\(s\) URL/);
  });

  it("fetches and inlines an image from an allow-listed host:port only, and refuses what is not an image", async () => {
    const png = await serve(Buffer.from(FAKE_PNG_BASE64, "base64"), "application/octet-stream");
    const text = await serve(Buffer.from("<html>not an image</html>"), "text/html");
    try {
      const allowHosts = new Set([png.authority, text.authority]);
      expect(await requestImages(withImages(png.url), signal, settings({ allowHosts })).inline(png.url)).toEqual({ mediaType: "image/png", base64: FAKE_PNG_BASE64 });
      expect((await refusalOf([text.url], { allowHosts })).message).toMatch(/is not an image/);
      // the same server under another spelling is not on the list
      expect((await refusalOf([png.url.replace("127.0.0.1", "localhost")], { allowHosts })).code).toBe("image_url_not_allowed");
      expect(png.hits()).toBe(1);
    } finally {
      png.close();
      text.close();
    }
  });

  it("refuses more image URLs than the cap before fetching any; data: URLs do not count", async () => {
    const png = await serve(Buffer.from(FAKE_PNG_BASE64, "base64"), "image/png");
    try {
      const urls = [1, 2, 3].map((i) => `${png.url}?${i}`);
      const failure = await refusalOf(urls, { maxImages: 2, allowHosts: new Set([png.authority]) });
      expect(failure.code).toBe("too_many_images");
      expect(failure.message).toContain("at most 2 image URLs");
      expect(png.hits()).toBe(0);
      const inline = `data:image/png;base64,${FAKE_PNG_BASE64}`;
      const images = requestImages(withImages(urls[0]!, inline, inline, inline), signal, settings({ maxImages: 1, allowHosts: new Set([png.authority]) }));
      expect((await images.inline(urls[0]!)).mediaType).toBe("image/png");
    } finally {
      png.close();
    }
  });

  it("reads its limits from the environment; the allow-list takes exact host:port entries only", () => {
    expect(env({})).toMatchObject({ HUB_IMAGE_FETCH_MAX_IMAGES: 16, HUB_IMAGE_FETCH_MAX_BYTES: 20 * 1024 * 1024, HUB_IMAGE_FETCH_TIMEOUT_MS: 30_000, HUB_IMAGE_FETCH_ALLOW_HOSTS: [], HUB_IMAGE_FETCH_ALLOW_PRIVATE: false });
    expect(env({ HUB_IMAGE_FETCH_ALLOW_HOSTS: "127.0.0.1:8080, [::1]:80,Images.Local:443" }).HUB_IMAGE_FETCH_ALLOW_HOSTS).toEqual(["127.0.0.1:8080", "[::1]:80", "images.local:443"]);
    for (const bad of ["127.0.0.1", "http://127.0.0.1:80/", "10.0.0.0/8:80", "user@host:80"]) expect(() => env({ HUB_IMAGE_FETCH_ALLOW_HOSTS: bad }), bad).toThrow(ConfigError);
    expect(() => env({ HUB_IMAGE_FETCH_ALLOW_PRIVATE: "yes" })).toThrow(ConfigError);
  });
});
