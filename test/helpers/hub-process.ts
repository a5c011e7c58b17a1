import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { watchChild } from "./watched-child";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface HubProcess {
  url: string;
  /** base URL for OpenAI clients */
  baseURL: string;
  child: ChildProcess;
  /** everything the server printed so far */
  output(): string;
  /** sends the signal and resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npm start`'s entry point (scripts/start.mjs) and waits until /healthz answers. */
export async function startHubProcess(env: Record<string, string>, options: { cwd?: string; nodeArgs?: string[] } = {}): Promise<HubProcess> {
  // a port chosen by the caller (env.PORT) lets it tell the hub its own address (HUB_PUBLIC_URL)
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, "scripts/start.mjs")], {
    cwd: options.cwd ?? ROOT,
    // MALLOC_ARENA_MAX as `npm start` and the Docker image set it
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", MALLOC_ARENA_MAX: "2", ...env, PORT: String(port), HUB_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const watched = watchChild(child);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited during start-up (code ${child.exitCode}):\n${watched.output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`hub did not become healthy within 60 s:\n${watched.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, baseURL: `${url}/v1`, child, output: watched.output, stop: watched.stop };
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the BullMQ worker as the image runs it (the bundle of the production build; one process, so a
 * signal reaches the worker itself rather than a wrapper) and waits until it reports ready.
 */
export async function startWorkerProcess(env: Record<string, string>, options: { nodeArgs?: string[] } = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, ".next/standalone/dist/worker.mjs")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", MALLOC_ARENA_MAX: "2", HUB_WORKER_HEALTH_PORT: "0", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const watched = watchChild(child);
  await watched.waitFor(/aigne hub worker ready/, 30_000, "worker");
  return { child, output: watched.output, stop: watched.stop };
}
