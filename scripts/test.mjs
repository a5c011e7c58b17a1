// `npm test`: type check, lint, schema/migration drift, production build (when stale), every vitest
// project (unit, integration on SQLite, integration on Postgres), the browser tests and the hot path's
// throughput floor (bench:smoke).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { root } from "./build-info.mjs";
import { ensureBuild } from "./build.mjs";

const bin = (name) => path.join(root, "node_modules/.bin", name);
const timings = [];

function step(name, run) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  run();
  timings.push([name, ((Date.now() - started) / 1000).toFixed(1)]);
}

const exec = (file, args, env = {}) => execFileSync(file, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });

step("type check", () => exec(bin("tsc"), ["--noEmit"]));
step("lint", () => exec(bin("eslint"), [".", "--max-warnings", "0"]));
step("build", () => ensureBuild());
step("vitest (unit, integration on SQLite and Postgres)", () => exec(bin("vitest"), ["run"]));

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(chromium)) {
  step("e2e (Playwright + Chromium)", () => exec(bin("playwright"), ["test"]));
} else if (process.env.CI) {
  console.error(`e2e: no Chromium at ${chromium}; install it with apt-get install -y chromium`);
  process.exit(1);
} else {
  console.warn(`\n⚠ skipping e2e: no Chromium at ${chromium} (apt-get install -y chromium)`);
}

// last, on a quiet machine: it measures throughput
step("bench:smoke (hub throughput floor)", () => exec(process.execPath, ["--import", "tsx", path.join(root, "bench/smoke.mts")]));

console.log("\nnpm test: all green");
for (const [name, seconds] of timings) console.log(`  ${seconds.padStart(6)} s  ${name}`);
