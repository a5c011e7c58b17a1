// Production build: `next build` (standalone output), then the files the standalone server needs
// beside it: static assets, public/ and the SQL migrations applied at start-up, and the worker, the
// `hub` CLI and the gateway bundled into dist/. .next/standalone is then the whole runtime (the Docker image copies
// only it).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { buildIsCurrent, hashFile, inputsHash, root, standaloneDir } from "./build-info.mjs";

/**
 * The worker, the CLI and the gateway half of the server (scripts/server.cjs), bundled with our code and the pure-JS packages; the packages the server
 * also keeps external (native drivers, Prisma's runtime) resolve from the standalone node_modules,
 * which Next traced for the server.
 */
function bundleEntryPoints() {
  const { config } = JSON.parse(readFileSync(path.join(root, ".next/required-server-files.json"), "utf8"));
  esbuild.buildSync({
    entryPoints: {
      worker: path.join(root, "workers/index.ts"),
      hub: path.join(root, "lib/cli/run.ts"),
      gateway: path.join(root, "lib/server.ts"),
      // OpenTelemetry, loaded only when an OTLP endpoint is configured (lib/telemetry/tracing.ts imports
      // "./otel.mjs" at run time): a bundle of its own rather than part of the gateway's
      otel: path.join(root, "lib/telemetry/otel.mts"),
    },
    outdir: path.join(standaloneDir, "dist"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // bundled CommonJS packages and the external ones are loaded with require()
    banner: { js: "import { createRequire as __hubRequire } from 'node:module'; const require = __hubRequire(import.meta.url);" },
    external: [...config.serverExternalPackages, "./otel.mjs"],
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
    legalComments: "none",
    // no comments or indentation: V8 keeps a script's whole source in memory (and a single character
    // beyond Latin-1 in a comment doubles it); names stay, for stack traces and profiles
    minifyWhitespace: true,
    minifySyntax: true,
  });
}

export function build() {
  const hash = inputsHash();
  execFileSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const copy = (from, to) => {
    if (!existsSync(path.join(root, from))) return;
    rmSync(path.join(standaloneDir, to), { recursive: true, force: true });
    cpSync(path.join(root, from), path.join(standaloneDir, to), { recursive: true });
  };
  copy(".next/static", ".next/static");
  copy("public", "public");
  copy("prisma/migrations", "prisma/migrations");
  // our server (the gateway's hot path in front of Next) replaces the one Next generated
  cpSync(path.join(root, "scripts/server.cjs"), path.join(standaloneDir, "server.js"));
  rmSync(path.join(standaloneDir, "dist"), { recursive: true, force: true });
  bundleEntryPoints();
  writeFileSync(hashFile, hash);
}

export function ensureBuild() {
  if (buildIsCurrent()) return false;
  console.log("aigne-hub: building the production server (once per change, about a minute)…");
  build();
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--if-needed")) ensureBuild();
  else build();
}
