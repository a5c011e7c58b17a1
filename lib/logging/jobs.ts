import type { JobDefinition } from "../jobs";
import { fromWire } from "../jobs/wire";
import { LOGS_WRITE_JOB, pruneCallBodies, writeCallBodies, type CallBodyRow } from "./body-writer";

/** Request logging's background jobs: writing logged bodies, and deleting them past their retention. */
export function loggingJobs(): JobDefinition[] {
  return [
    { name: LOGS_WRITE_JOB, run: (payload) => writeCallBodies(fromWire<CallBodyRow[]>(payload)) },
    { name: "logs.retention", every: 3_600_000, run: async () => void (await pruneCallBodies()) },
  ];
}
