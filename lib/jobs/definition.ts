/** A named background job: its handler, and how often it runs when it is periodic. */
export interface JobDefinition {
  name: string;
  run: (payload: unknown) => Promise<void>;
  /** run every so many milliseconds (scheduled by whichever runner is active) */
  every?: number;
}

/** The BullMQ queue every job goes through (with Redis). */
export const QUEUE = "aigne-hub";
