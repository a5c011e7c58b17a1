import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dataDir } from "../../env";

// Where finished videos are kept: files under the data directory (HUB_DATA_DIR/videos), named by the
// hub's own job id — never by anything a tenant sent. A file is written under a temporary name and
// renamed once complete, so a reader never sees half a video and a crash leaves no partial file
// behind under the real name.

export class VideoTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the video is larger than ${limit} bytes`);
  }
}

const directory = () => path.join(dataDir(), "videos");
const SAFE_KEY = /^[A-Za-z0-9_-]{1,128}$/;

function fileOf(key: string): string {
  // keys are the hub's job ids; anything else is a bug, not a path to follow
  if (!SAFE_KEY.test(key)) throw new Error("invalid video storage key");
  return path.join(directory(), `${key}.bin`);
}

/** Writes the stream as the file `key`, at most `maxBytes`; returns its size. */
export async function putVideo(key: string, body: ReadableStream<Uint8Array>, maxBytes: number): Promise<number> {
  await mkdir(directory(), { recursive: true });
  const target = fileOf(key);
  const partial = `${target}.${process.pid}.partial`;
  let bytes = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? new VideoTooLargeError(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>), bounded, createWriteStream(partial));
    await rename(partial, target);
    return bytes;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The file `key` as a stream with its size; null when it is not there (expired, or never written). */
export async function getVideo(key: string): Promise<{ body: ReadableStream<Uint8Array>; bytes: number } | null> {
  const file = fileOf(key);
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  return { body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, bytes: info.size };
}

export async function deleteVideo(key: string): Promise<void> {
  await rm(fileOf(key), { force: true });
}
