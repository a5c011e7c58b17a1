// Whether the production build is current: a hash of everything that goes into it, stored beside
// the standalone server. `npm start` and `npm test` rebuild only when it changed.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
export const standaloneDir = path.join(root, ".next/standalone");
const hashFile = path.join(standaloneDir, ".hub-build-hash");

const INPUTS = ["app", "lib", "components", "public", "prisma/migrations", "middleware.ts", "workers", "scripts/build.mjs", "scripts/server.cjs", "next.config.ts", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];

function* files(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  if (statSync(full).isFile()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(full).sort()) yield* files(path.join(entry, name));
}

export function inputsHash() {
  const hash = createHash("sha256");
  for (const entry of INPUTS) {
    for (const file of files(entry)) hash.update(file).update("\0").update(readFileSync(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

export function buildIsCurrent() {
  return existsSync(path.join(standaloneDir, "server.js")) && existsSync(hashFile) && readFileSync(hashFile, "utf8") === inputsHash();
}

export { hashFile };
