import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { inlineImage, parseDataUrl, sniffImageType } from "@/lib/providers/shared/images";
import { UpstreamError } from "@/lib/providers/upstream-error";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";

const signal = new AbortController().signal;

async function serve(body: Buffer, type: string) {
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": type }).end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/x`, close: () => server.close() };
}

afterEach(() => {
  delete process.env.HUB_IMAGE_FETCH_ALLOW_PRIVATE;
});

describe("inline images", () => {
  it("reads data URLs and sniffs types from magic bytes", () => {
    expect(parseDataUrl(`data:image/png;base64,${FAKE_PNG_BASE64}`)).toEqual({ mediaType: "image/png", base64: FAKE_PNG_BASE64 });
    expect(sniffImageType(Buffer.from(FAKE_PNG_BASE64, "base64"))).toBe("image/png");
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("RIFF0000WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("hello"))).toBeNull();
  });

  it("refuses to fetch from loopback and private addresses (no SSRF through the hub)", async () => {
    for (const url of ["http://127.0.0.1/a.png", "http://10.1.2.3/a.png", "http://192.168.1.1/a.png", "http://[::1]/a.png", "http://169.254.169.254/latest/meta-data"]) {
      const failure = await inlineImage(url, signal).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as UpstreamError).status).toBe(400);
      expect((failure as UpstreamError).message).toMatch(/private or loopback/);
    }
    await expect(inlineImage("ftp://example.com/a.png", signal)).rejects.toThrow(/data: URL or an http\(s\) URL/);
  });

  it("fetches and inlines an image when private addresses are allowed, and refuses what is not an image", async () => {
    process.env.HUB_IMAGE_FETCH_ALLOW_PRIVATE = "true";
    const png = await serve(Buffer.from(FAKE_PNG_BASE64, "base64"), "application/octet-stream");
    const text = await serve(Buffer.from("<html>not an image</html>"), "text/html");
    try {
      expect(await inlineImage(png.url, signal)).toEqual({ mediaType: "image/png", base64: FAKE_PNG_BASE64 });
      await expect(inlineImage(text.url, signal)).rejects.toThrow(/is not an image/);
    } finally {
      png.close();
      text.close();
    }
  });
});
