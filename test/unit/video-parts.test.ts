import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The parts of video generation that need no upstream: the per-second price, the signed links to a
// video's file, and the storage that keeps it.

const dataDir = mkdtempSync(path.join(tmpdir(), "hub-videos-"));
Object.assign(process.env, { HUB_DATA_DIR: dataDir, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
const { unitCost, NO_UNITS } = await import("@/lib/billing/cost");
const { linkValid, videoLink } = await import("@/lib/gateway/videos/links");
const { deleteVideo, getVideo, putVideo, VideoTooLargeError } = await import("@/lib/gateway/videos/storage");

const price = { inputNanoUsdPer1M: 0n, outputNanoUsdPer1M: 0n, cachedReadNanoUsdPer1M: null, cacheWriteNanoUsdPer1M: null, imageNanoUsd: null, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: 100_000_000n, marginBps: 0 };

const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

describe("per-second video prices", () => {
  it("charges each started second's share, rounded up to the nano-dollar", () => {
    expect(unitCost(price, { ...NO_UNITS, videoMs: 8000 })).toBe(800_000_000n);
    expect(unitCost(price, { ...NO_UNITS, videoMs: 1 })).toBe(100_000n);
    expect(unitCost({ ...price, videoNanoUsdPerSecond: 3n }, { ...NO_UNITS, videoMs: 1 })).toBe(1n);
    expect(unitCost({ ...price, videoNanoUsdPerSecond: null }, { ...NO_UNITS, videoMs: 8000 })).toBe(0n);
  });
});

describe("signed links to a video's file", () => {
  const origin = "https://hub.example";
  const now = Date.UTC(2026, 11, 5, 12);
  const parse = (link: string) => {
    const url = new URL(link);
    return { id: url.pathname.split("/").at(-1)!, expires: Number(url.searchParams.get("expires")), signature: url.searchParams.get("signature")! };
  };

  it("is valid for its video for an hour, or until the file expires if that is sooner", () => {
    const link = parse(videoLink(origin, "video_a", null, now));
    expect(link.expires).toBe(now / 1000 + 3600);
    expect(linkValid(link.id, link.expires, link.signature, now + 3_599_000)).toBe(true);
    expect(linkValid(link.id, link.expires, link.signature, now + 3_601_000)).toBe(false);
    const soon = parse(videoLink(origin, "video_a", new Date(now + 60_000), now));
    expect(soon.expires).toBe(now / 1000 + 60);
  });

  it("cannot be moved to another video, stretched or forged", () => {
    const link = parse(videoLink(origin, "video_a", null, now));
    expect(linkValid("video_b", link.expires, link.signature, now)).toBe(false);
    expect(linkValid(link.id, link.expires + 86_400, link.signature, now)).toBe(false);
    // Change the last character to one it is not, so the forged signature always differs (1 in 64 once did not).
    const last = link.signature.at(-1) === "A" ? "B" : "A";
    expect(linkValid(link.id, link.expires, `${link.signature.slice(0, -1)}${last}`, now)).toBe(false);
    expect(linkValid(link.id, link.expires, "", now)).toBe(false);
    expect(linkValid(link.id, Number.NaN, link.signature, now)).toBe(false);
  });
});

describe("video storage", () => {
  it("keeps a file and streams it back", async () => {
    const bytes = await putVideo("video_1", streamOf(new Uint8Array([1, 2]), new Uint8Array([3])), 1024);
    expect(bytes).toBe(3);
    const file = await getVideo("video_1");
    expect(file?.bytes).toBe(3);
    expect(Buffer.from(await new Response(file!.body).arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
    await deleteVideo("video_1");
    expect(await getVideo("video_1")).toBeNull();
  });

  it("refuses a file over the cap and leaves nothing behind", async () => {
    await expect(putVideo("video_2", streamOf(new Uint8Array(600), new Uint8Array(600)), 1000)).rejects.toBeInstanceOf(VideoTooLargeError);
    expect(await getVideo("video_2")).toBeNull();
    expect(readdirSync(path.join(dataDir, "videos"))).toEqual([]);
  });

  it("never takes a key that could name a path", async () => {
    for (const key of ["../hub.db", "a/b", "", "x".repeat(200)]) {
      await expect(putVideo(key, streamOf(new Uint8Array(1)), 10)).rejects.toThrow("invalid video storage key");
      await expect(getVideo(key)).rejects.toThrow("invalid video storage key");
    }
    expect(existsSync(path.join(dataDir, "hub.db.bin"))).toBe(false);
  });
});
