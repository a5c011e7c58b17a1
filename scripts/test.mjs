// `npm test`: type check, lint, schema/migration drift, production build (when stale), every vitest
// project (unit, integration on SQLite, integration on Postgres), the browser tests and the hot path's
// throughput floor (bench:smoke).
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { root } from "./build-info.mjs";
import { ensureBuild } from "./build.mjs";

const bin = (name) => path.join(root, "node_modules/.bin", name);
const timings = [];

async function step(name, run) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  await run();
  timings.push([name, ((Date.now() - started) / 1000).toFixed(1)]);
}

const exec = (file, args, env = {}) => execFileSync(file, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });

/** Runs commands at once (each mostly on one core) and fails if any failed. */
async function together(commands) {
  const codes = await Promise.all(
    commands.map(
      ([file, args]) =>
        new Promise((resolve) => spawn(file, args, { cwd: root, stdio: "inherit" }).on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)))),
    ),
  );
  if (codes.some((code) => code !== 0)) process.exit(1);
}

await step("type check and lint", () =>
  together([
    [bin("tsc"), ["--noEmit"]],
    [bin("eslint"), [".", "--max-warnings", "0"]],
  ]),
);
await step("build", () => ensureBuild());
await step("vitest (unit, integration on SQLite and Postgres)", () => exec(bin("vitest"), ["run"]));

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(chromium)) {
  await step("e2e (Playwright + Chromium)", () => exec(bin("playwright"), ["test"]));
} else if (process.env.CI) {
  console.error(`e2e: no Chromium at ${chromium}; install it with apt-get install -y chromium`);
  process.exit(1);
} else {
  console.warn(`\n⚠ skipping e2e: no Chromium at ${chromium} (apt-get install -y chromium)`);
}

// last, on a quiet machine: it measures throughput
await step("bench:smoke (hub throughput floor)", () => exec(process.execPath, ["--import", "tsx", path.join(root, "bench/smoke.mts")]));

console.log("\nnpm test: all green");
for (const [name, seconds] of timings) console.log(`  ${seconds.padStart(6)} s  ${name}`);
