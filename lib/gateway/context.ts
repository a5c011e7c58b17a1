import type { Principal } from "./authenticate";
import type { CallRecord } from "./call-record";

/** What each pipeline step gets: the call being recorded, who makes it, and its cancellation. */
export interface CallContext {
  call: CallRecord;
  principal: Principal;
  /** aborted when the client goes away; cancels the upstream request */
  abort: AbortController;
  /** the hub's public origin, as the client reached it (for links such as the top-up page) */
  origin: string;
}
