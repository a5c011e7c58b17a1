import http from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP load balancer: what an ingress does in front of gateway replicas, for a test to count and steer. */
export interface LoadBalancer {
  url: string;
  /** base URL for OpenAI clients */
  baseURL: string;
  /** requests forwarded to each backend so far, by the backend's index */
  readonly served: number[];
  /** sends the next requests round-robin to these backends only (indexes into the list it was started with) */
  use(backends: number[]): void;
  close(): Promise<void>;
}

// hop-by-hop headers belong to one connection, not to the request or response forwarded over another
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Forwards each request, round-robin, to one of `backends` (http://host:port), streaming both bodies. */
export async function startLoadBalancer(backends: string[]): Promise<LoadBalancer> {
  const targets = backends.map((b) => new URL(b));
  const served = targets.map(() => 0);
  const agent = new http.Agent({ keepAlive: true });
  let active = targets.map((_, i) => i);
  let next = 0;

  const server = http.createServer((req, res) => {
    const index = active[next++ % active.length]!;
    served[index]!++;
    const target = targets[index]!;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "bad gateway" } }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    served,
    use(indexes) {
      active = [...indexes];
      next = 0;
    },
    close() {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
