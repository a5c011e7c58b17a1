// Turns a change to prisma/schema.prisma into SQL migrations for SQLite and Postgres.
//
//   npm run db:migration -- <name>   write prisma/migrations/{sqlite,postgres}/<NNNN>_<name>.sql
//   npm run db:migration -- --check  exit 1 when the schema has changes no migration covers
//
// Needs a reachable Postgres for the dialect (MIGRATION_TOOL_PG_URL, default the local one); nothing is
// written to it.
//
// Prisma 7's migrate commands need a schema-engine binary that cannot be downloaded here, so the SQL is
// produced by Prisma 6's WebAssembly schema engine (`migrate diff`, schema to schema, no database) and
// applied at start-up by lib/db/migrate.ts. The schema as of the newest migration is kept in
// prisma/migrations/schema.snapshot.prisma: the next migration is the diff from it to the schema.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DATABASES, schemaFor, SOURCE } from "./prisma-schemas.mjs";

const root = path.resolve(import.meta.dirname, "..");
const MIGRATIONS = path.join(root, "prisma/migrations");
const SNAPSHOT = path.join(MIGRATIONS, "schema.snapshot.prisma");
const WORK = path.join(root, "prisma/.generated/migration-tool");
const EMPTY_DIFF = "-- This is an empty migration.";

const ADAPTERS = {
  sqlite: `import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
export const adapter = () => new PrismaBetterSqlite3({ url: ":memory:" });`,
  // the engine connects before diffing, though a schema-to-schema diff reads and writes nothing there
  postgres: `import { PrismaPg } from "@prisma/adapter-pg";
export const adapter = () => new PrismaPg({ connectionString: ${JSON.stringify(process.env.MIGRATION_TOOL_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres")} });`,
};

// Prisma 6 insists on a url in the datasource block; it is never used for a datamodel diff.
function prisma6Schema(database, source) {
  return schemaFor(database, source).replace(/(datasource db \{\s*provider\s*=\s*"[^"]+")/, `$1\n  url = "${database === "sqlite" ? "file:./unused.db" : "postgresql://unused"}"`);
}

function diff(database, fromSource, toSource) {
  const dir = path.join(WORK, database);
  mkdirSync(dir, { recursive: true });
  const files = { to: path.join(dir, "to.prisma"), from: path.join(dir, "from.prisma") };
  writeFileSync(files.to, prisma6Schema(database, toSource));
  if (fromSource) writeFileSync(files.from, prisma6Schema(database, fromSource));
  writeFileSync(path.join(dir, "adapter.mjs"), ADAPTERS[database]);
  // a plain object, not defineConfig: "prisma/config" resolves to Prisma 7, which drops `engine`
  writeFileSync(
    path.join(dir, "prisma.config.mjs"),
    `import { adapter } from "./adapter.mjs";\nexport default { experimental: { adapter: true }, engine: "js", schema: ${JSON.stringify(files.to)}, adapter: async () => adapter() };\n`,
  );
  const stub = path.join(root, "prisma/.generated/schema-engine-stub");
  const args = [
    path.join(root, "node_modules/prisma6/build/index.js"),
    "migrate", "diff", "--config", path.join(dir, "prisma.config.mjs"),
    ...(fromSource ? ["--from-schema-datamodel", files.from] : ["--from-empty"]),
    "--to-schema-datamodel", files.to, "--script",
  ];
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    // both point at a stub so Prisma 6 skips its binary downloads; with engine "js" it runs neither
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_QUERY_ENGINE_LIBRARY: stub, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  return out.trim();
}

function nextNumber() {
  const dir = path.join(MIGRATIONS, "sqlite");
  const numbers = existsSync(dir) ? readdirSync(dir).map((f) => Number.parseInt(f, 10)).filter(Number.isFinite) : [];
  return String(Math.max(0, ...numbers) + 1).padStart(4, "0");
}

const arg = process.argv[2];
if (!arg) {
  console.error("usage: npm run db:migration -- <name> | --check");
  process.exit(1);
}
if (!existsSync(path.join(root, "prisma/.generated/schema-engine-stub"))) {
  execFileSync(process.execPath, [path.join(root, "scripts/prisma-generate.mjs")], { stdio: "inherit" });
}
const source = readFileSync(SOURCE, "utf8");
const snapshot = existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, "utf8") : null;
const sql = Object.fromEntries(Object.keys(DATABASES).map((db) => [db, diff(db, snapshot, source)]));
const pending = Object.entries(sql).filter(([, s]) => s !== EMPTY_DIFF);

if (arg === "--check") {
  if (pending.length) {
    console.error(`prisma/schema.prisma has changes without a migration (${pending.map(([db]) => db).join(", ")}); run npm run db:migration -- <name>`);
    process.exit(1);
  }
  console.log("migrations are up to date with prisma/schema.prisma");
  process.exit(0);
}
if (!/^[a-z0-9_]+$/.test(arg)) {
  console.error("migration name: lowercase letters, digits and underscores only");
  process.exit(1);
}
if (!pending.length) {
  console.log("no schema changes: nothing to write");
  process.exit(0);
}
const file = `${nextNumber()}_${arg}.sql`;
for (const [db, script] of Object.entries(sql)) {
  mkdirSync(path.join(MIGRATIONS, db), { recursive: true });
  writeFileSync(path.join(MIGRATIONS, db, file), `${script}\n`);
  console.log(`wrote prisma/migrations/${db}/${file}`);
}
writeFileSync(SNAPSHOT, source);
