import { env } from "../../env";
import type { JobDefinition } from "../../jobs";
import { expireVideos, pollDueVideos } from "./poll";

/** The video jobs' background work: polling running jobs upstream, and deleting expired files. */
export function videoJobs(): JobDefinition[] {
  return [
    { name: "videos.poll", every: env().HUB_VIDEO_POLL_MS, run: async () => void (await pollDueVideos()) },
    { name: "videos.expire", every: 10 * 60_000, run: async () => void (await expireVideos()) },
  ];
}
