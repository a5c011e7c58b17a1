import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/lib/crypto/api-key";
import { openCredential } from "@/lib/crypto/credentials";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess } from "../helpers/hub-process";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture({ env: { LOG_LEVEL: "debug" } });
  // exercise the paths that touch credentials: a good call, and one the upstream refuses
  await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  await f.lib.addProvider({ type: "openai", name: "rejected", baseUrl: f.upstream.url, apiKey: "sk-rejected-credential-987654321" }, "test");
  await new Promise((r) => setTimeout(r, 600));
  await fetch(`${f.hub.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "rejected/gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  });
  await new Promise((r) => setTimeout(r, 500));
});
afterAll(async () => {
  await f?.close();
});

/** Every byte the database holds, as one searchable string. */
async function databaseContents(): Promise<Buffer> {
  if (f.database.kind === "sqlite") {
    const dir = path.dirname(f.database.url.slice("file:".length));
    return Buffer.concat(readdirSync(dir).map((file) => readFileSync(path.join(dir, file))));
  }
  const client = new pg.Client({ connectionString: f.database.url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    const dumps: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      dumps.push(...rows.map((r) => r.row));
    }
    expect(dumps.length).toBeGreaterThan(10);
    return Buffer.from(dumps.join("\n"));
  } finally {
    await client.end();
  }
}

describe("secrets at rest and in logs", () => {
  it("stores provider keys only as AES-256-GCM ciphertext", async () => {
    const contents = await databaseContents();
    expect(contents.includes(f.upstream.apiKey)).toBe(false);
    expect(contents.includes("sk-rejected-credential-987654321")).toBe(false);
    // yet the stored credential opens with the master key, and is bound to its row
    const row = await f.db.credential.findFirstOrThrow({ where: { provider: { name: "fake" } } });
    expect(row.hint).toBe("sk-…cdef");
    expect(openCredential(row)).toEqual({ apiKey: f.upstream.apiKey });
    expect(() => openCredential({ ...row, providerId: "another-provider" })).toThrow(/failed authentication/);
  });

  it("stores hub API keys only as a SHA-256 hash and a display prefix", async () => {
    const contents = await databaseContents();
    expect(contents.includes(f.apiKey)).toBe(false);
    const key = await f.db.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(f.apiKey) } });
    expect(key.prefix).toBe(f.apiKey.slice(0, 13));
  });

  it("never writes a key to the log, even at debug level", () => {
    const output = f.hub.output();
    expect(output).toContain('"msg":"call"');
    expect(output).toContain(f.apiKey.slice(0, 13));
    for (const secret of [f.apiKey, f.upstream.apiKey, "sk-rejected-credential-987654321"]) expect(output).not.toContain(secret);
  });
});

describe("the master key", () => {
  it("refuses to start with a malformed HUB_ENCRYPTION_KEY, in one clear line", async () => {
    const failure = await startHubProcess({ ...f.env, HUB_ENCRYPTION_KEY: "not-32-bytes" }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/exited during start-up \(code 1\)/);
    expect((failure as Error).message).toContain("HUB_ENCRYPTION_KEY must be 32 random bytes in base64");
  });

  it("refuses to open credentials sealed under another key", async () => {
    const other = { ...f.env, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
    const hub = await startHubProcess({ ...other, LOG_LEVEL: "error" });
    try {
      const res = await fetch(`${hub.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      // the credential cannot be opened, so the provider has none: a clear 503, no garbage sent upstream
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_available_deployment");
      // the log line travels through the process's pipe: it may arrive just after the response
      await eventually(async () => expect(hub.output()).toContain("cannot decrypt credential"));
    } finally {
      await hub.stop("SIGKILL");
    }
  });
});
