// `npx tsx bench/features.mts`: what issue 20's optional features cost on the hot path, each hub as
// `npm run bench` starts it (service provider mode, holds, rate limit, metering), 0 ms upstream:
// - baseline: request logging at metadata (the default), no call opted into the response cache;
// - bodies: request logging at bodies for every call (redacted, written off the request path);
// - cache hit: `x-hub-cache: on`, the same request every time (answered from the cache);
// - cache miss: `x-hub-cache: on`, a different request every time (looked up, answered upstream, kept).
// Writes bench/results/issue-20-features.{md,json}.
//
//   npx tsx bench/features.mts -- [--duration 8] [--targets hub-sqlite,hub-postgres] [--modes json,stream]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
// @ts-expect-error plain ESM script without types
import { ensureBuild } from "../scripts/build.mjs";
import { body, load, sequential, withPeakRss } from "./measure.mts";
import { startHub, startUpstream, type Call, type Target } from "./targets.mts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    targets: { type: "string", default: "hub-sqlite,hub-postgres" },
    modes: { type: "string", default: "json,stream" },
    sequential: { type: "string", default: "300" },
    out: { type: "string", default: "bench/results/issue-20-features" },
  },
});
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

interface Variant {
  name: string;
  /** the hub's settings for it (a hub is started per distinct settings) */
  settings: Record<string, unknown>;
  headers: Record<string, string>;
  /** a different body per request */
  unique: boolean;
}

const VARIANTS: Variant[] = [
  { name: "baseline", settings: {}, headers: {}, unique: false },
  { name: "cache hit", settings: {}, headers: { "x-hub-cache": "on" }, unique: false },
  { name: "cache miss", settings: {}, headers: { "x-hub-cache": "on" }, unique: true },
  { name: "bodies logged", settings: { requestLogging: "bodies" }, headers: {}, unique: false },
];

let counter = 0;
// the same prompt size as the bench's body, a number making each one a new question
const payloadOf = (call: Call, stream: boolean, unique: boolean) =>
  unique ? () => body(call.model, stream).replace("Say twenty words.", `Say twenty words. #${++counter}`) : body(call.model, stream);

interface Row {
  target: string;
  variant: string;
  mode: string;
  c32: { rps: number; p50: number; p99: number; errors: number; peakRssMb: number };
  c1: { p50: number; p99: number; ttfbP50: number; errors: number };
}

ensureBuild();
const upstream = await startUpstream(0);
const rows: Row[] = [];
try {
  for (const kind of list(values.targets).map((t) => t.replace("hub-", "") as "sqlite" | "postgres")) {
    for (const settings of [...new Set(VARIANTS.map((v) => JSON.stringify(v.settings)))]) {
      const hub: Target = await startHub(kind, [upstream], { settings: JSON.parse(settings) });
      try {
        for (const variant of VARIANTS.filter((v) => JSON.stringify(v.settings) === settings)) {
          for (const mode of list(values.modes)) {
            const base = hub.call(0);
            const call = { ...base, headers: { ...base.headers, ...variant.headers } };
            const payload = payloadOf(call, mode === "stream", variant.unique);
            await load(call, payload, 8, 2); // warm up (and, for a hit, fill the cache)
            const { value: c32, peakRssMb } = await withPeakRss(hub.pid, () => load(call, payload, 32, Number(values.duration)));
            const c1 = await sequential(call, payload, Number(values.sequential));
            const row: Row = { target: hub.name, variant: variant.name, mode, c32: { ...c32, peakRssMb: Math.round(peakRssMb) }, c1 };
            rows.push(row);
            console.log(`${hub.name.padEnd(26)} ${variant.name.padEnd(14)} ${mode.padEnd(6)} c=32 ${c32.rps.toFixed(0).padStart(6)} rps p99 ${c32.p99} ms | c=1 p50 ${c1.p50.toFixed(2)} ms ttfb ${c1.ttfbP50.toFixed(2)} ms | errors ${c32.errors + c1.errors}`);
          }
        }
      } finally {
        await hub.stop();
      }
    }
  }
} finally {
  await upstream.stop();
}

const lines = [
  "| hub | variant | mode | c=32 rps | c=32 p50 / p99 ms | c=1 p50 ms | c=1 first byte p50 ms | peak RSS MB | errors |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.target} | ${r.variant} | ${r.mode} | ${r.c32.rps.toFixed(0)} | ${r.c32.p50} / ${r.c32.p99} | ${r.c1.p50.toFixed(2)} | ${r.c1.ttfbP50.toFixed(2)} | ${r.c32.peakRssMb} | ${r.c32.errors + r.c1.errors} |`),
];
writeFileSync(`${values.out}.json`, JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
writeFileSync(`${values.out}.md`, `${lines.join("\n")}\n`);
console.log(lines.join("\n"));
