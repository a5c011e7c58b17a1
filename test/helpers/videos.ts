import type OpenAI from "openai";
import { expect } from "vitest";
import { eventually } from "./eventually";

/** Waits until the hub says the video job ended (completed or failed); the video object then. */
export async function finishedVideo(client: OpenAI, id: string, timeoutMs = 10_000) {
  const { value } = await eventually(async () => {
    const video = await client.videos.retrieve(id);
    expect(["completed", "failed"]).toContain(video.status);
    return video;
  }, timeoutMs);
  return value;
}
