import type { JobDefinition } from "../../jobs";
import { pruneResponseCache } from "./store";

/** The database's cache of answers, kept to its TTLs and size (Redis expires its own entries). */
export function responseCacheJobs(): JobDefinition[] {
  return [{ name: "response-cache.prune", every: 10 * 60_000, run: async () => void (await pruneResponseCache()) }];
}
