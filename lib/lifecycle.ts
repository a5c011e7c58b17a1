import { env } from "./env";
import { log } from "./log";
import { gauge } from "./metrics";
import { processSingleton } from "./singleton";

// Graceful shutdown: on SIGTERM the process stops admitting calls, lets in-flight ones (streams
// included) finish up to HUB_SHUTDOWN_TIMEOUT_MS, then runs the shutdown hooks (flush usage, close
// the database) and exits.

/** Flush hooks (write what is queued) run before close hooks (close connections). */
type Phase = "flush" | "close";
type Hook = { name: string; run: () => Promise<void>; phase: Phase };

class Lifecycle {
  inFlight = 0;
  draining = false;
  private hooks: Hook[] = [];
  private idleWaiters: Array<() => void> = [];
  private shuttingDown: Promise<void> | undefined;

  /** Admits a call; false while draining. Every admitted call must be released exactly once. */
  admit(): boolean {
    if (this.draining) return false;
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Hooks run after in-flight calls have finished: every flush hook, then every close hook. */
  onShutdown(name: string, run: () => Promise<void>, phase: Phase = "flush"): void {
    if (!this.hooks.some((h) => h.name === name)) this.hooks.push({ name, run, phase });
  }

  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  shutdown(reason: string): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.draining = true;
      const deadline = env().HUB_SHUTDOWN_TIMEOUT_MS;
      log.info({ reason, inFlight: this.inFlight, deadlineMs: deadline }, "shutting down: draining in-flight calls");
      const idle = await this.waitIdle(deadline);
      if (!idle) log.warn({ inFlight: this.inFlight }, "shutdown deadline reached with calls still in flight");
      const ordered = [...this.hooks.filter((h) => h.phase === "flush"), ...this.hooks.filter((h) => h.phase === "close")];
      for (const hook of ordered) {
        try {
          await hook.run();
        } catch (error) {
          log.error({ hook: hook.name, err: (error as Error).message }, "shutdown hook failed");
        }
      }
      log.info("shutdown complete");
    })();
    return this.shuttingDown;
  }
}

export const lifecycle = processSingleton("lifecycle", () => new Lifecycle());

gauge({
  name: "hub_calls_in_flight",
  help: "Calls admitted and not finished",
  collect() {
    this.set(lifecycle.inFlight);
  },
});
