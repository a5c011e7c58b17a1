import { describe, expect, it } from "vitest";
import { BodyTooLargeError, readBodyText } from "@/lib/http/body";
import { exceedsJsonDepth } from "@/lib/http/json-depth";

// The one body reader and the depth scan, on their own (the attacks through a running hub are in
// test/security/body-limits.test.ts).

/** A body that never ends, counting what was pulled from it. */
function endless(pulled: { bytes: number }): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  return new ReadableStream({
    pull(controller) {
      pulled.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

describe("readBodyText", () => {
  it("stops pulling an endless body as soon as the cap is passed", async () => {
    const pulled = { bytes: 0 };
    const request = new Request("http://hub.test/", { method: "POST", body: endless(pulled), duplex: "half" } as RequestInit);
    await expect(readBodyText(request, 1024 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    // the stream's own queue may hold a chunk or two more than what was read
    expect(pulled.bytes).toBeLessThanOrEqual(1024 * 1024 + 4 * 64 * 1024);
  });

  it("refuses a declared length over the cap without reading", async () => {
    const pulled = { bytes: 0 };
    const source = { headers: new Headers({ "content-length": String(10 * 1024 * 1024) }), body: endless(pulled) };
    await expect(readBodyText(source, 1024 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it("reads a body within the cap, whatever content-length claims", async () => {
    const request = new Request("http://hub.test/", { method: "POST", body: "héllo" });
    expect(await readBodyText(request, 1024)).toBe("héllo");
    expect(await readBodyText({ headers: new Headers({ "content-length": "1" }), body: new Request("http://x/", { method: "POST", body: "abc" }).body }, 1024)).toBe("abc");
  });
});

describe("exceedsJsonDepth", () => {
  it("finds nesting past the limit without recursion, 20,000 levels included", () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    expect(exceedsJsonDepth(deep(64), 64)).toBe(false);
    expect(exceedsJsonDepth(deep(65), 64)).toBe(true);
    expect(exceedsJsonDepth(`{"a":${deep(20_000)}}`, 64)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ text: `${"[".repeat(500)} \\" {{{ "` });
    expect(exceedsJsonDepth(text, 2)).toBe(false);
  });
});
