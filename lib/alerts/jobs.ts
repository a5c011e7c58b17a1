import { z } from "zod";
import type { JobDefinition } from "../jobs";
import { ALERT_EVENTS, type AlertEvent } from "./events";
import { deliver, sweepDeliveries } from "./deliver";
import { DELIVER_JOB, dispatch } from "./dispatch";
import { DISPATCH_JOB } from "./emit";

// The alerts' background jobs, registered beside billing's by the server (no Redis) and the worker.

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.enum([...ALERT_EVENTS, "test"]),
  dedupKey: z.string().min(1).max(500),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
  userId: z.string().optional(),
});

const SWEEP_EVERY_MS = 30_000;

export function alertJobs(): JobDefinition[] {
  return [
    { name: DISPATCH_JOB, run: async (payload) => void (await dispatch(eventSchema.parse(payload) as AlertEvent)) },
    { name: DELIVER_JOB, run: async (payload) => void (await deliver(z.object({ deliveryId: z.string().min(1) }).parse(payload).deliveryId)) },
    { name: "alerts.sweep", every: SWEEP_EVERY_MS, run: async () => void (await sweepDeliveries()) },
  ];
}
