// `npm run bench:soak`: the hub under steady load (64 clients, JSON calls, 0 ms upstream) for ten
// minutes, sampling its resident memory and event-loop lag every 10 s. After a warm-up (the first
// two minutes: JIT, pools, caches) memory must not keep growing: the run fails when the last RSS
// exceeds the RSS at the end of the warm-up by more than 5 %, or when any call fails.
//
//   npm run bench:soak -- [--minutes 10] [--warmup 2] [--connections 64] [--target postgres|sqlite] [--out bench/results/soak]
import autocannon from "autocannon";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
// @ts-expect-error plain ESM script without types
import { ensureBuild } from "../scripts/build.mjs";
import { body, rssMb } from "./measure.mts";
import { METRICS_TOKEN, startHub, startUpstream } from "./targets.mts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "64" },
    target: { type: "string", default: "postgres" },
    interval: { type: "string", default: "10" },
    out: { type: "string", default: "bench/results/soak" },
  },
});
const seconds = Number(values.minutes) * 60;
const warmupSeconds = Number(values.warmup) * 60;
const intervalMs = Number(values.interval) * 1000;
const MAX_GROWTH = 0.05;

interface Sample {
  at: number;
  rssMb: number;
  /** event-loop delay over the interval (prom-client's monitorEventLoopDelay), ms */
  lagP99Ms: number;
  lagMaxMs: number;
  requests: number;
}

/** A gauge's value from the hub's Prometheus exposition. */
function gauge(text: string, name: string): number {
  // `name value` or `name{labels} value`
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : Number.NaN;
}

ensureBuild();
const upstream = await startUpstream(0);
const hub = await startHub(values.target === "sqlite" ? "sqlite" : "postgres", [upstream]);
const call = hub.call(0);
const metricsUrl = `${new URL(call.url).origin}/metrics`;
const samples: Sample[] = [];
let result: autocannon.Result;
try {
  let requests = 0;
  const run = new Promise<autocannon.Result>((resolve, reject) => {
    const options = { url: call.url, method: "POST" as const, connections: Number(values.connections), duration: seconds, headers: call.headers, body: body(call.model, false) };
    autocannon(options, (error, done) => (error ? reject(error) : resolve(done))).on("response", () => requests++);
  });
  const started = Date.now();
  const timer = setInterval(async () => {
    const text = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text()).catch(() => "");
    const sample: Sample = {
      at: Math.round((Date.now() - started) / 1000),
      rssMb: Math.round(rssMb(hub.pid)),
      lagP99Ms: Number((gauge(text, "hub_nodejs_eventloop_lag_p99_seconds") * 1000).toFixed(1)),
      lagMaxMs: Number((gauge(text, "hub_nodejs_eventloop_lag_max_seconds") * 1000).toFixed(1)),
      requests,
    };
    requests = 0;
    samples.push(sample);
    console.log(`${String(sample.at).padStart(4)} s  RSS ${sample.rssMb} MB  lag p99 ${sample.lagP99Ms} ms  max ${sample.lagMaxMs} ms  ${(sample.requests / (intervalMs / 1000)).toFixed(0)} rps`);
  }, intervalMs);
  result = await run;
  clearInterval(timer);
} finally {
  await hub.stop();
  await upstream.stop();
}

const afterWarmup = samples.filter((s) => s.at > warmupSeconds);
const base = samples.filter((s) => s.at <= warmupSeconds).at(-1) ?? samples[0]!;
const last = samples.at(-1)!;
const growth = (last.rssMb - base.rssMb) / base.rssMb;
const errors = result.errors + result.timeouts + result.non2xx;
const summary = {
  target: hub.name,
  connections: Number(values.connections),
  seconds,
  rps: Math.round(result.requests.average),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors,
  rssAfterWarmupMb: base.rssMb,
  rssLastMb: last.rssMb,
  rssPeakAfterWarmupMb: Math.max(...afterWarmup.map((s) => s.rssMb)),
  rssGrowth: Number(growth.toFixed(3)),
  lagP99MaxMs: Math.max(...afterWarmup.map((s) => s.lagP99Ms)),
};
const out = path.resolve(values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(`${out}.json`, `${JSON.stringify({ summary, samples }, null, 2)}\n`);
writeFileSync(
  `${out}.md`,
  [
    `# Soak — ${new Date().toISOString()}`,
    "",
    `${summary.target}, ${summary.connections} clients, ${seconds / 60} min of JSON calls on a 0 ms upstream: ${summary.rps} rps, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, ${errors} errors.`,
    `RSS after the ${warmupSeconds / 60}-minute warm-up ${summary.rssAfterWarmupMb} MB, at the end ${summary.rssLastMb} MB (growth ${(growth * 100).toFixed(1)} %, limit ${MAX_GROWTH * 100} %), peak after warm-up ${summary.rssPeakAfterWarmupMb} MB; worst event-loop lag p99 in a 10 s interval ${summary.lagP99MaxMs} ms.`,
    "",
    "| s | RSS MB | event-loop lag p99 ms | lag max ms | rps |",
    "|---|---|---|---|---|",
    ...samples.map((s) => `| ${s.at} | ${s.rssMb} | ${s.lagP99Ms} | ${s.lagMaxMs} | ${(s.requests / (intervalMs / 1000)).toFixed(0)} |`),
    "",
  ].join("\n"),
);
console.log(`RSS ${summary.rssAfterWarmupMb} → ${summary.rssLastMb} MB (${(growth * 100).toFixed(1)} %), errors ${errors}; written to ${path.relative(process.cwd(), out)}.{json,md}`);
if (growth > MAX_GROWTH || errors > 0) {
  console.error("bench:soak failed: memory grew after warm-up, or calls failed");
  process.exitCode = 1;
}
