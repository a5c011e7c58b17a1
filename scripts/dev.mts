// `npm run dev`: the hub's HTTP server as in production (scripts/server.cjs), with Next in development
// mode behind it. The API answers from the one route table (lib/gateway/routes.ts) here exactly as it
// does in production; pages and Next's own APIs are compiled on demand, with hot reload.
import http from "node:http";
import nextEnv from "@next/env";

// NODE_ENV is typed read-only (Next's types), yet this is where the process decides it
Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV ?? "development" });
// the hub installs its own signal handlers (they flush usage before exit); Next must not add its own
process.env.NEXT_MANUAL_SIG_HANDLE = "1";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
// .env files, as Next reads them, before the hub reads its configuration
nextEnv.loadEnvConfig(process.cwd(), true);

const { bootServer, serveFromNode } = await import("../lib/server");
const { default: next } = await import("next");

const port = Number.parseInt(process.env.PORT ?? "", 10) || 3000;
const hostname = process.env.HUB_HOST || "localhost";

// loaded on the first request for it, as in production
let nextHandler: Promise<ReturnType<ReturnType<typeof next>["getRequestHandler"]>> | undefined;
function nextHandle() {
  nextHandler ??= (async () => {
    const app = next({ dev: true, dir: process.cwd(), hostname, port });
    await app.prepare();
    return app.getRequestHandler();
  })();
  return nextHandler;
}

await bootServer();
const server = http.createServer((req, res) => {
  // the socket's address for throttling and the audit log (lib/auth/client-address.ts); always
  // overwritten, so a client cannot name its own
  req.headers["x-hub-peer"] = req.socket.remoteAddress ?? "";
  if (serveFromNode(req, res)) return;
  nextHandle()
    .then((handle) => handle(req, res))
    .catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end("Internal Server Error");
    });
});
server.listen(port, hostname, () => console.log(`aigne hub (development) listening on http://${hostname}:${port}`));
