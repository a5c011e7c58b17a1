// Production build: `next build` (standalone output), then the files the standalone server needs
// beside it: static assets, public/ and the SQL migrations applied at start-up.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildIsCurrent, hashFile, inputsHash, root, standaloneDir } from "./build-info.mjs";

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
