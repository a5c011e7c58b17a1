// postinstall: generate the SQLite and Postgres Prisma clients from the one schema.
// `prisma generate` wants a schema-engine binary it cannot download offline, yet never runs it for
// the TypeScript client; pointing PRISMA_SCHEMA_ENGINE_BINARY at an executable stub satisfies it.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeDerivedSchemas } from "./prisma-schemas.mjs";

const root = path.resolve(import.meta.dirname, "..");

function schemaEngineStub() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)) {
    return process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  }
  const dir = path.join(root, "prisma/.generated");
  mkdirSync(dir, { recursive: true });
  const stub = path.join(dir, "schema-engine-stub");
  writeFileSync(stub, "#!/bin/sh\necho 'schema engine not available offline' >&2\nexit 1\n");
  chmodSync(stub, 0o755);
  return stub;
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: schemaEngineStub(),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const prismaCli = path.join(root, "node_modules/prisma/build/index.js");
for (const [database, schema] of Object.entries(writeDerivedSchemas())) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  console.log(`prisma: generated the ${database} client`);
}
