// `npm run bench`: the hub against its upstream called directly and against Portkey's gateway, in one
// run on one machine, on the same bench upstream (0 ms and 50 ms latency; a JSON answer and a 20-chunk
// stream), at 1, 32 and 128 concurrent clients. Writes bench/results/latest.{json,md}.
//
//   npm run bench -- [--duration 10] [--concurrency 1,32,128] [--latency 0,50] [--modes json,stream]
//                    [--targets direct,portkey,hub-sqlite,hub-postgres] [--out bench/results/latest]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
// @ts-expect-error plain ESM script without types
import { ensureBuild } from "../scripts/build.mjs";
import { body, load, sequential, withCpuSplit, withPeakRss } from "./measure.mts";
import { report, type BenchRun, type Row } from "./report.mts";
import { direct, startHub, startPortkey, startUpstream, type Target, type Upstream } from "./targets.mts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    concurrency: { type: "string", default: "1,32,128" },
    latency: { type: "string", default: "0,50" },
    modes: { type: "string", default: "json,stream" },
    targets: { type: "string", default: "direct,portkey,hub-sqlite,hub-postgres" },
    sequential: { type: "string", default: "300" },
    out: { type: "string", default: "bench/results/latest" },
  },
});
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const seconds = Number(values.duration);
const concurrencies = list(values.concurrency).map(Number);
const latencies = list(values.latency).map(Number);
const modes = list(values.modes) as Array<"json" | "stream">;
const wanted = list(values.targets);


ensureBuild();
const upstreams: Upstream[] = [];
const targets: Target[] = [];
const rows: Row[] = [];
try {
  for (const latency of latencies) upstreams.push(await startUpstream(latency));
  if (wanted.includes("direct")) targets.push(direct(upstreams));
  if (wanted.includes("portkey")) targets.push(await startPortkey(upstreams));
  if (wanted.includes("hub-sqlite")) targets.push(await startHub("sqlite", upstreams));
  if (wanted.includes("hub-postgres")) targets.push(await startHub("postgres", upstreams));

  for (const target of targets) {
    // warm up every path (JIT, caches, connection pools) before anything is measured
    for (const latency of latencies) for (const mode of modes) await load(target.call(latency), body(target.call(latency).model, mode === "stream"), 8, 2);
  }
  for (const latency of latencies) {
    for (const mode of modes) {
      for (const connections of concurrencies) {
        for (const target of targets) {
          const call = target.call(latency);
          const payload = body(call.model, mode === "stream");
          const { value: measured, peakRssMb } = await withPeakRss(target.pid, () => withCpuSplit({ target: target.pid, worker: target.workerPid }, () => load(call, payload, connections, seconds)));
          const { value: result, cpuUsPerCall } = measured;
          const row: Row = { target: target.name, latencyMs: latency, mode, connections, ...result, peakRssMb: Math.round(peakRssMb), cpuUsPerCall };
          if (connections === 1) {
            const precise = await sequential(call, payload, Number(values.sequential));
            row.sequential = { p50: precise.p50, p99: precise.p99, ttfbP50: precise.ttfbP50 };
            row.errors += precise.errors;
          }
          rows.push(row);
          console.log(`${target.name.padEnd(26)} ${String(latency).padStart(2)} ms ${mode.padEnd(6)} c=${String(connections).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} rps  p50 ${result.p50} ms  p99 ${result.p99} ms  ${Math.round(peakRssMb)} MB  errors ${row.errors}`);
        }
      }
    }
  }
} finally {
  for (const target of targets) await target.stop().catch(() => undefined);
  for (const upstream of upstreams) await upstream.stop().catch(() => undefined);
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const run: BenchRun = { at: new Date().toISOString(), machine, seconds, sequential: Number(values.sequential), rows };
const markdown = report(run);
const out = path.resolve(values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(`${out}.json`, JSON.stringify(run, null, 2));
writeFileSync(`${out}.md`, markdown);
console.log(`\n${markdown}\nwritten to ${path.relative(process.cwd(), out)}.{json,md}`);
