// `npm run bench:smoke` (run by `npm test`, last, on a quiet machine): 10 s of JSON calls at 32 clients
// against the bench upstream directly and through the hub (SQLite, production build, service provider
// mode); fails on any failed call or when the hub's hot path got slower. Two floors, from runs on the CI
// machine kind (2 cores):
// - the hub's CPU time per call (its process's user + system time over the calls it served): 480 µs in
//   two quiet runs, 780–920 µs with the whole test suite running beside it; over 750 µs fails, so a
//   regression of ~1.6× or more is caught;
// - its throughput as a share of direct: 8.8–9.2 % quiet, 4.7–11 % loaded; under 3 % fails. The upstream
//   alone swings between 10,000 and 60,000 rps with the machine's load, so this floor is the loose one.
import { parseArgs } from "node:util";
// @ts-expect-error plain ESM script without types
import { ensureBuild } from "../scripts/build.mjs";
import { body, cpuSeconds, load } from "./measure.mts";
import { direct, startHub, startUpstream, type Target } from "./targets.mts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    "min-ratio": { type: "string", default: process.env.BENCH_SMOKE_MIN_RATIO ?? "0.03" },
    "max-cpu-us": { type: "string", default: process.env.BENCH_SMOKE_MAX_CPU_US ?? "750" },
  },
});
const seconds = Number(values.duration);
const minRatio = Number(values["min-ratio"]);
const maxCpuUs = Number(values["max-cpu-us"]);

ensureBuild();
const upstream = await startUpstream(0);
const targets: Target[] = [direct([upstream]), await startHub("sqlite", [upstream])];
try {
  const [plain, hub] = targets;
  /** Warms a target up, then loads it; with the CPU time its process spent on the measured calls. */
  const measure = async (target: Target) => {
    const call = target.call(0);
    await load(call, body(call.model, false), 8, 2);
    const cpuBefore = cpuSeconds(target.pid);
    const result = await load(call, body(call.model, false), 32, seconds);
    return { ...result, cpuUs: ((cpuSeconds(target.pid) - cpuBefore) * 1e6) / Math.max(1, result.calls) };
  };
  const base = await measure(plain!);
  const viaHub = await measure(hub!);
  const cpuUs = viaHub.cpuUs;
  const ratio = viaHub.rps / base.rps;
  console.log(
    `direct ${base.rps.toFixed(0)} rps, hub ${viaHub.rps.toFixed(0)} rps (p50 ${viaHub.p50} ms, p99 ${viaHub.p99} ms): ratio ${ratio.toFixed(3)}, minimum ${minRatio}; ` +
      `hub CPU ${cpuUs.toFixed(0)} µs a call, maximum ${maxCpuUs}; errors ${base.errors + viaHub.errors}`,
  );
  if (ratio < minRatio || cpuUs > maxCpuUs || base.errors + viaHub.errors > 0) {
    console.error("bench:smoke failed: the hub's CPU a call or its share of direct's throughput crossed its floor, or calls failed");
    process.exitCode = 1;
  }
} finally {
  for (const target of targets) await target.stop();
  await upstream.stop();
}
