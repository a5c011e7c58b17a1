// `npm start`: build when needed, then run the standalone server in this process. Migrations and the
// first admin happen inside the server at boot (lib/boot.ts, from scripts/server.cjs), so the container runs
// the same path.
import { createRequire } from "node:module";
import path from "node:path";
import { standaloneDir } from "./build-info.mjs";
import { ensureBuild } from "./build.mjs";

ensureBuild();

// The standalone server chdirs into .next/standalone: make relative paths absolute first.
const cwd = process.cwd();
const databaseUrl = process.env.DATABASE_URL || "file:./data/hub.db";
if (databaseUrl.startsWith("file:")) process.env.DATABASE_URL = `file:${path.resolve(cwd, databaseUrl.slice("file:".length))}`;
process.env.HUB_DATA_DIR = path.resolve(cwd, process.env.HUB_DATA_DIR || "./data");
// our shutdown (drain, flush usage) replaces Next's default handlers
process.env.NEXT_MANUAL_SIG_HANDLE = "1";
process.env.NEXT_TELEMETRY_DISABLED = "1";
// Next binds to HOSTNAME, which shells and containers set to the machine's name
process.env.HOSTNAME = process.env.HUB_HOST || "0.0.0.0";

createRequire(import.meta.url)(path.join(standaloneDir, "server.js"));
