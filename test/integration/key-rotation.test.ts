import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess } from "../helpers/hub-process";

// Rotating the master key: the operator sets a new HUB_ENCRYPTION_KEY, keeps the old one in
// HUB_ENCRYPTION_KEY_PREVIOUS while `hub crypto rotate` re-seals every credential, then drops it.

let f: HubFixture;
let fingerprint: (key: Buffer) => string;

beforeAll(async () => {
  f = await startHubFixture();
  ({ fingerprint } = await import("@/lib/crypto/master-key"));
}, 60_000);

afterAll(async () => {
  await f?.close();
});

async function servesChat(env: Record<string, string>) {
  const hub = await startHubProcess({ ...f.env, ...env });
  try {
    const client = new OpenAI({ baseURL: hub.baseURL, apiKey: f.apiKey, maxRetries: 0 });
    return await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "still sealed?" }] }).then(
      () => true,
      () => false,
    );
  } finally {
    await hub.stop("SIGKILL");
  }
}

describe("hub crypto rotate", () => {
  it("re-seals every credential under the new key, once, and the hub serves throughout", async () => {
    const oldKey = f.env.HUB_ENCRYPTION_KEY!;
    const newKey = randomBytes(32).toString("base64");
    const before = await f.db.credential.findMany();
    expect(before.every((c) => c.keyVersion === fingerprint(Buffer.from(oldKey, "base64")))).toBe(true);

    // a webhook's signing secret is sealed under the master key too
    const { createChannel } = await import("@/lib/admin/alert-channels");
    const webhook = await createChannel({ name: "rotation hook", kind: "webhook", target: "http://127.0.0.1:9/hook" }, "test");
    const sealedBefore = await f.db.alertChannel.findUniqueOrThrow({ where: { id: webhook.channel.id } });

    const rotation = { HUB_ENCRYPTION_KEY: newKey, HUB_ENCRYPTION_KEY_PREVIOUS: oldKey };
    // mid-rotation a server with both keys opens the credentials sealed under the old one
    expect(await servesChat(rotation)).toBe(true);

    const run = await runCli(["crypto", "rotate", "--json"], { ...f.env, ...rotation });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rotated: before.length, total: before.length });
    const after = await f.db.credential.findMany();
    for (const row of after) {
      expect(row.keyVersion).toBe(fingerprint(Buffer.from(newKey, "base64")));
      expect(row.ciphertext).not.toBe(before.find((b) => b.id === row.id)!.ciphertext);
    }
    expect(await f.db.auditLog.count({ where: { action: "credential.rotate" } })).toBe(before.length);
    // the webhook secret opens under the new key alone, and is the one the operator was shown
    expect(JSON.parse(run.stdout)).toMatchObject({ webhookSecrets: 1 });
    const sealedAfter = await f.db.alertChannel.findUniqueOrThrow({ where: { id: webhook.channel.id } });
    expect(sealedAfter.secretKeyVersion).toBe(fingerprint(Buffer.from(newKey, "base64")));
    expect(sealedAfter.secretCiphertext).not.toBe(sealedBefore.secretCiphertext);
    const { open } = await import("@/lib/crypto/secret-box");
    const newMaster = { key: Buffer.from(newKey, "base64"), version: fingerprint(Buffer.from(newKey, "base64")) };
    const reopened = open({ ciphertext: sealedAfter.secretCiphertext!, iv: sealedAfter.secretIv!, authTag: sealedAfter.secretAuthTag!, keyVersion: sealedAfter.secretKeyVersion! }, `alert-channel:${webhook.channel.id}`, newMaster);
    expect(reopened).toBe(webhook.secret);

    // again: nothing left to do
    const again = await runCli(["crypto", "rotate", "--json"], { ...f.env, ...rotation });
    expect(JSON.parse(again.stdout)).toMatchObject({ rotated: 0 });

    // the old key can go: the new one alone serves, the old one alone no longer can
    expect(await servesChat({ HUB_ENCRYPTION_KEY: newKey })).toBe(true);
    expect(await servesChat({ HUB_ENCRYPTION_KEY: oldKey })).toBe(false);
  });

  it("names the credentials it cannot open and exits 1", async () => {
    // sealed by this process, whose key is the fixture's original one
    await f.lib.addCredential({ provider: "fake", name: "sealed-elsewhere", apiKey: f.upstream.apiKey }, "test");
    const run = await runCli(["crypto", "rotate"], { ...f.env, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/credential\(s\) were sealed with a key not in HUB_ENCRYPTION_KEY_PREVIOUS: .*sealed-elsewhere/);
  });
});
