import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// OpenTelemetry off (no OTEL_EXPORTER_OTLP_ENDPOINT): the hub loads none of the tracing code (the SDK,
// the exporter, the propagator: dist/otel.mjs), neither at start-up nor on a call, and sends no trace
// context upstream. The module log (every ES module and CommonJS file the process loads) is the same
// one tracing.test.ts reads, where it shows the OpenTelemetry bundle loaded. (@opentelemetry/api itself,
// a no-op facade, was in the gateway's bundle before tracing existed: prom-client's process metrics
// require it for exemplars.)

let f: HubFixture;
let logDir: string;

beforeAll(async () => {
  logDir = mkdtempSync(path.join(tmpdir(), "hub-modules-"));
  f = await startHubFixture({
    env: { HUB_TEST_MODULE_LOG: path.join(logDir, "modules.log") },
    nodeArgs: ["--import", path.resolve(import.meta.dirname, "../helpers/module-log.mjs")],
  });
}, 120_000);

afterAll(async () => {
  await f?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

it("loads no OpenTelemetry SDK and propagates no trace without an OTLP endpoint", async () => {
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "untraced" }] }, { headers: { traceparent } });
  await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "untraced stream" }], stream: true }).then(async (s) => {
    for await (const _ of s);
  });

  const loaded = readFileSync(path.join(logDir, "modules.log"), "utf8");
  // the log is live: it saw the hub's own bundle and the drivers the hub requires
  expect(loaded).toMatch(/dist\/gateway\.mjs/);
  expect(loaded).toMatch(/^require .*undici/m);
  expect(loaded).not.toMatch(/opentelemetry|otel\.mjs/i);

  // and the gateway's own bundle carries none of the SDK that could have run without being loaded
  const bundle = readFileSync(path.join(import.meta.dirname, "../../.next/standalone/dist/gateway.mjs"), "utf8");
  expect(bundle).not.toMatch(/BatchSpanProcessor|OTLPTraceExporter|W3CTraceContextPropagator/);

  const sent = f.upstream.requests.filter((r) => r.path.endsWith("/chat/completions"));
  expect(sent).toHaveLength(2);
  for (const request of sent) expect(request.headers.traceparent).toBeUndefined();
});
