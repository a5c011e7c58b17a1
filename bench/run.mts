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
import { body, load, sequential, withPeakRss } from "./measure.mts";
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

interface Row {
  target: string;
  latencyMs: number;
  mode: "json" | "stream";
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  peakRssMb: number;
  /** c=1 only: precise single-client numbers (ms) */
  sequential?: { p50: number; p99: number; ttfbP50: number };
}

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
          const { value: result, peakRssMb } = await withPeakRss(target.pid, () => load(call, payload, connections, seconds));
          const row: Row = { target: target.name, latencyMs: latency, mode, connections, ...result, peakRssMb: Math.round(peakRssMb) };
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

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const find = (target: string, row: Row) => rows.find((r) => r.target === target && r.latencyMs === row.latencyMs && r.mode === row.mode && r.connections === row.connections);

function table(): string {
  const lines = [
    "| target | upstream | mode | c | rps | p50 ms | p99 ms | p50 added | p99 added | c=1 p50 added (precise) | TTFB added | peak RSS MB | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const base = find("direct", row);
    const added = (a: number, b: number | undefined) => (base && row.target !== "direct" && b !== undefined ? fixed(a - b) : "");
    lines.push(
      `| ${row.target} | ${row.latencyMs} ms | ${row.mode} | ${row.connections} | ${fixed(row.rps, 0)} | ${row.p50} | ${row.p99} | ${added(row.p50, base?.p50)} | ${added(row.p99, base?.p99)} | ${row.sequential ? added(row.sequential.p50, base?.sequential?.p50) : ""} | ${row.sequential && row.mode === "stream" ? added(row.sequential.ttfbP50, base?.sequential?.ttfbP50) : ""} | ${row.peakRssMb} | ${row.errors} |`,
    );
  }
  return lines.join("\n");
}

/** The targets, computed from the rows (where the run measured what they need). */
function verdicts(): string[] {
  const hub = rows.find((r) => r.target.startsWith("hub"))?.target;
  const portkey = rows.find((r) => r.target.startsWith("portkey"))?.target;
  if (!hub) return [];
  const get = (target: string | undefined, latencyMs: number, mode: "json" | "stream", connections: number) =>
    rows.find((r) => r.target === target && r.latencyMs === latencyMs && r.mode === mode && r.connections === connections);
  const out: string[] = [];
  for (const name of [...new Set(rows.map((r) => r.target).filter((t) => t.startsWith("hub")))]) {
    const c32 = get(name, 0, "json", 32);
    const pk32 = get(portkey, 0, "json", 32);
    if (c32 && pk32) out.push(`${name}: throughput vs Portkey at c=32 (JSON, 0 ms): ${fixed(c32.rps / pk32.rps)}× (target ≥ 3×)`);
    const c1 = get(name, 0, "json", 1);
    const d1 = get("direct", 0, "json", 1);
    if (c1?.sequential && d1?.sequential) out.push(`${name}: median added latency at c=1: ${fixed(c1.sequential.p50 - d1.sequential.p50)} ms (target ≤ 1 ms)`);
    const d32 = get("direct", 0, "json", 32);
    if (c32 && d32) out.push(`${name}: p99 added at c=32: ${fixed(c32.p99 - d32.p99)} ms (target ≤ 10 ms)`);
    const s1 = get(name, 0, "stream", 1);
    const ds1 = get("direct", 0, "stream", 1);
    if (s1?.sequential && ds1?.sequential) out.push(`${name}: streaming TTFB added at c=1: ${fixed(s1.sequential.ttfbP50 - ds1.sequential.ttfbP50)} ms (target ≤ 1 ms)`);
    const rss = Math.max(0, ...rows.filter((r) => r.target === name && r.connections === 128).map((r) => r.peakRssMb));
    if (rss) out.push(`${name}: peak RSS at c=128: ${rss} MB (target ≤ 300 MB)`);
    out.push(`${name}: errors: ${rows.filter((r) => r.target === name).reduce((n, r) => n + r.errors, 0)} (target 0)`);
  }
  return out;
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const markdown = [
  `# Benchmark — ${new Date().toISOString()}`,
  "",
  `Machine: ${machine}. ${seconds} s per cell (autocannon), c=1 also ${values.sequential} sequential requests timed with hrtime.`,
  "The hub runs its production build in service provider mode: key auth, a credit hold per call, rate limits, metering and usage writes on.",
  "",
  table(),
  "",
  ...verdicts().map((v) => `- ${v}`),
  "",
].join("\n");
const out = path.resolve(values.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(`${out}.json`, JSON.stringify({ at: new Date().toISOString(), machine, seconds, rows }, null, 2));
writeFileSync(`${out}.md`, markdown);
console.log(`\n${markdown}\nwritten to ${path.relative(process.cwd(), out)}.{json,md}`);
