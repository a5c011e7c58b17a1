import type { ChildProcess } from "node:child_process";

/** A spawned process (stdout and stderr piped) with what it printed, and a stop that waits for its exit. */
export interface WatchedChild {
  child: ChildProcess;
  /** everything it printed so far */
  output(): string;
  /** resolves with the exit code when it exits by itself (or is stopped) */
  exited: Promise<number | null>;
  /** sends the signal (if it still runs) and resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** waits until its output matches; throws with the output if it exits or the time runs out (then it is killed) */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<void>;
}

export function watchChild(child: ChildProcess): WatchedChild {
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    async waitFor(pattern, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`${what} exited during start-up (code ${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) {
          child.kill("SIGKILL");
          throw new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
