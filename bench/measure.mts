// How a target is measured: throughput and latency under load (autocannon), precise single-client
// latency and time to first byte (sequential requests on one keep-alive connection, timed with
// hrtime), and the peak resident memory of the target's process while it runs.
import autocannon from "autocannon";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import type { Call } from "./targets.mts";

export const body = (model: string, stream: boolean) =>
  JSON.stringify({ model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), max_tokens: 64, messages: [{ role: "user", content: "Say twenty words." }] });

export interface LoadResult {
  rps: number;
  /** completed requests */
  calls: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `payload` a function: a new body for every request (each one different, e.g. never a cache hit). */
export async function load(call: Call, payload: string | (() => string), connections: number, seconds: number): Promise<LoadResult> {
  const requests = typeof payload === "string" ? undefined : [{ method: "POST" as const, setupRequest: (req: object) => ({ ...req, body: payload() }) }];
  const result = await autocannon({ url: call.url, method: "POST", connections, duration: seconds, headers: call.headers, body: typeof payload === "string" ? payload : undefined, requests });
  return { rps: result.requests.average, calls: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

export interface SequentialResult {
  /** whole-response latency, ms */
  p50: number;
  p99: number;
  /** time to the first body byte, ms */
  ttfbP50: number;
  errors: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** n requests one after another on one keep-alive connection. */
export async function sequential(call: Call, payload: string | (() => string), n: number): Promise<SequentialResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(call.url);
  const totals: number[] = [];
  const firstBytes: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const sent = typeof payload === "string" ? payload : payload();
    await new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      let first: bigint | null = null;
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { ...call.headers, "content-length": Buffer.byteLength(sent) } }, (res) => {
        if (res.statusCode !== 200) errors++;
        res.on("data", () => (first ??= process.hrtime.bigint()));
        res.on("end", () => {
          const end = process.hrtime.bigint();
          totals.push(Number(end - started) / 1e6);
          firstBytes.push(Number((first ?? end) - started) / 1e6);
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(sent);
    });
  }
  agent.destroy();
  totals.sort((a, b) => a - b);
  firstBytes.sort((a, b) => a - b);
  return { p50: percentile(totals, 50), p99: percentile(totals, 99), ttfbP50: percentile(firstBytes, 50), errors };
}

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

// clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on every Linux build that matters)
const TICKS_PER_SECOND = 100;

/** A process's command name and the CPU seconds it has used so far, user and system (Linux /proc). */
function procStat(pid: number | string): { command: string; seconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // the command name is in parentheses and may itself hold spaces or parentheses: the fields follow the last ") "
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return { command: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** CPU seconds a process has used so far, user and system. */
export const cpuSeconds = (pid: number): number => procStat(pid).seconds;

/** CPU seconds used so far by each process whose command is `name` (the postgres backends, redis-server), by pid. */
export function commandCpuSeconds(name: string): Map<string, number> {
  const used = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const { command, seconds } = procStat(pid);
      if (command === name) used.set(pid, seconds);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return used;
}

/** What the processes of `after` used since `before` (one that ended in between is not counted, never a negative). */
const usedSince = (before: Map<string, number>, after: Map<string, number>) => [...after].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);

/** CPU seconds the whole machine has been busy (every core, /proc/stat: all but idle and iowait). */
export function machineCpuSeconds(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const values = ticks.map(Number);
  const busy = values.reduce((sum, v) => sum + v, 0) - (values[3] ?? 0) - (values[4] ?? 0);
  return busy / TICKS_PER_SECOND;
}

/**
 * Where a cell's CPU went, in µs per completed call: the target's process, the hub's worker, Postgres
 * and Redis (whoever used them in the window: only one target runs at a time), and the whole machine
 * (which also counts the load generator and the bench upstream).
 */
export async function withCpuSplit<T extends { calls: number }>(pids: { target: number; worker?: number }, work: () => Promise<T>): Promise<{ value: T; cpuUsPerCall: CpuSplit }> {
  const read = () => ({
    target: cpuSeconds(pids.target),
    worker: pids.worker ? cpuSeconds(pids.worker) : 0,
    postgres: commandCpuSeconds("postgres"),
    redis: commandCpuSeconds("redis-server"),
    machine: machineCpuSeconds(),
  });
  const before = read();
  const value = await work();
  const after = read();
  const perCall = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, value.calls));
  return {
    value,
    cpuUsPerCall: {
      target: perCall(after.target - before.target),
      worker: perCall(after.worker - before.worker),
      postgres: perCall(usedSince(before.postgres, after.postgres)),
      redis: perCall(usedSince(before.redis, after.redis)),
      machine: perCall(after.machine - before.machine),
    },
  };
}

export interface CpuSplit {
  target: number;
  worker: number;
  postgres: number;
  redis: number;
  machine: number;
}

/** Runs `work` while sampling a process's memory; returns its result and the peak. */
export async function withPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  try {
    return { value: await work(), peakRssMb: Math.max(peak, rssMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}
