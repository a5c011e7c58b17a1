import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("prisma/schema.prisma and the SQL migrations", () => {
  it("are in step: the schema has no change that a migration does not cover", () => {
    // diffs the schema against the last migrated snapshot for SQLite and Postgres (Prisma 6's schema engine)
    const out = execFileSync(process.execPath, [path.join(ROOT, "scripts/db-migration.mjs"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("migrations are up to date");
  });
});
