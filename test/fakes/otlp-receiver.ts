// A protocol-faithful OTLP/HTTP trace receiver on loopback (what an OpenTelemetry Collector's otlphttp
// receiver does): POST /v1/traces with an ExportTraceServiceRequest in the JSON encoding
// (application/json; ids as hex strings, 64-bit integers as strings or numbers, gzip when the exporter
// compresses), answered 200 with an empty ExportTraceServiceResponse. Protobuf bodies are refused with
// 415, as they would not be understood: the hub's exporter must speak JSON.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

type AnyValue = { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client */
  kind: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error */
  statusCode: number;
  attributes: Record<string, string | number | boolean | unknown[]>;
  /** the resource's attributes (service.name …) */
  resource: Record<string, string | number | boolean | unknown[]>;
  scope: string;
}

export interface OtlpReceiver {
  /** what OTEL_EXPORTER_OTLP_ENDPOINT is set to (the exporter appends /v1/traces) */
  url: string;
  spans: ReceivedSpan[];
  /** the raw exports, for checks on the whole payload */
  bodies: string[];
  /** every request's path, method and content type */
  requests: Array<{ method: string; path: string; contentType: string }>;
  close(): Promise<void>;
}

function valueOf(value: AnyValue): string | number | boolean | unknown[] {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return "";
}

const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));

interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; traceState?: string; name: string; kind?: number; status?: { code?: number }; attributes?: KeyValue[] }>;
    }>;
  }>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    const contentType = String(req.headers["content-type"] ?? "");
    requests.push({ method: req.method ?? "", path: req.url ?? "", contentType });
    if (req.method !== "POST" || req.url !== "/v1/traces") {
      res.writeHead(404).end();
      return;
    }
    if (!contentType.startsWith("application/json")) {
      res.writeHead(415, { "content-type": "application/json" }).end(JSON.stringify({ code: 3, message: `unsupported content type ${contentType}` }));
      return;
    }
    if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
    const text = raw.toString("utf8");
    let payload: ExportTraceServiceRequest;
    try {
      payload = JSON.parse(text) as ExportTraceServiceRequest;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 3, message: "invalid JSON" }));
      return;
    }
    bodies.push(text);
    for (const resourceSpans of payload.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? "",
            traceState: span.traceState ?? "",
            name: span.name,
            kind: span.kind ?? 0,
            statusCode: span.status?.code ?? 0,
            attributes: attributesOf(span.attributes),
            resource,
            scope: scopeSpans.scope?.name ?? "",
          });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
