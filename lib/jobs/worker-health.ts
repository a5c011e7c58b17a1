import { createServer, type Server } from "node:http";
import type { Worker } from "bullmq";
import { queueConnection } from "../redis";
import { roleRuns } from "../roles";

// The worker serves no traffic, so a container healthcheck cannot probe it like the app. This answers
// GET /healthz on loopback: 200 while it consumes jobs with Redis connected, 503 otherwise.

export function serveWorkerHealth(worker: Worker, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/healthz") {
      res.writeHead(404).end();
      return;
    }
    const redis = queueConnection().status;
    const running = worker.isRunning();
    const ok = running && redis === "ready";
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ok ? "ok" : "unavailable", role: "worker", runs: roleRuns("worker", true), worker: running ? "running" : "stopped", redis }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
