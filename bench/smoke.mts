// `npm run bench:smoke` (run by `npm test`): 10 s of JSON calls at 32 clients against the bench
// upstream directly and through the hub (SQLite, production build, service provider mode); fails when
// the hub's throughput falls under a set fraction of direct, or any call fails. A guard against a
// regression on the hot path, not the benchmark (that is `npm run bench`). The floor: the bench upstream
// alone answers 10,000–60,000 rps on loopback depending on the machine's load, the hub on SQLite
// 1.5–3 % of that (bench/results/latest.md); 0.5 % fails a regression of 3× or more without flaking.
import { parseArgs } from "node:util";
// @ts-expect-error plain ESM script without types
import { ensureBuild } from "../scripts/build.mjs";
import { body, load } from "./measure.mts";
import { direct, startHub, startUpstream, type Target } from "./targets.mts";

const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, "min-ratio": { type: "string", default: process.env.BENCH_SMOKE_MIN_RATIO ?? "0.005" } } });
const seconds = Number(values.duration);
const minRatio = Number(values["min-ratio"]);

ensureBuild();
const upstream = await startUpstream(0);
const targets: Target[] = [direct([upstream]), await startHub("sqlite", [upstream])];
try {
  const [plain, hub] = targets;
  const measure = async (target: Target) => {
    const call = target.call(0);
    await load(call, body(call.model, false), 8, 2);
    return load(call, body(call.model, false), 32, seconds);
  };
  const base = await measure(plain!);
  const viaHub = await measure(hub!);
  const ratio = viaHub.rps / base.rps;
  console.log(`direct ${base.rps.toFixed(0)} rps, hub ${viaHub.rps.toFixed(0)} rps (p50 ${viaHub.p50} ms, p99 ${viaHub.p99} ms): ratio ${ratio.toFixed(2)}, minimum ${minRatio}; errors ${base.errors + viaHub.errors}`);
  if (ratio < minRatio || base.errors + viaHub.errors > 0) {
    console.error("bench:smoke failed: the hub's throughput fell under its floor, or calls failed");
    process.exitCode = 1;
  }
} finally {
  for (const target of targets) await target.stop();
  await upstream.stop();
}
