// Derives the per-database Prisma schemas from prisma/schema.prisma (the one source of truth).
// Only the datasource provider and the generated client's folder differ between them.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const SOURCE = path.join(root, "prisma/schema.prisma");
const OUT_DIR = path.join(root, "prisma/.generated");

export const DATABASES = {
  sqlite: { provider: "sqlite" },
  postgres: { provider: "postgresql" },
};

export function schemaFor(database, source = readFileSync(SOURCE, "utf8")) {
  const { provider } = DATABASES[database];
  const derived = source
    .replace(/(datasource db \{\s*provider\s*=\s*)"[^"]+"/, `$1"${provider}"`)
    .replace(/output(\s*)= "\.\.\/lib\/db\/generated\/sqlite"/, `output$1= "../../lib/db/generated/${database}"`);
  if (!derived.includes(`provider = "${provider}"`) || !derived.includes(`generated/${database}"`)) {
    throw new Error("prisma/schema.prisma: datasource or generator block not in the expected shape");
  }
  return derived;
}

export function writeDerivedSchemas() {
  mkdirSync(OUT_DIR, { recursive: true });
  const source = readFileSync(SOURCE, "utf8");
  const files = {};
  for (const database of Object.keys(DATABASES)) {
    const file = path.join(OUT_DIR, `schema.${database}.prisma`);
    writeFileSync(file, schemaFor(database, source));
    files[database] = file;
  }
  return files;
}
