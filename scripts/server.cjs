/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: Next loads and serves from it like the server.js it replaces */
// The hub's HTTP server, written over the server.js that `next build` puts into .next/standalone (see
// scripts/build.mjs). It boots the hub and answers the gateway's routes itself (dist/gateway.mjs,
// lib/server.ts); Next — the web UI and its APIs — is loaded on the first request for it, so a
// process that only serves API traffic never holds Next in memory or pays for its request handling.
const http = require("node:http");
const v8 = require("node:v8");

// V8 lets an idle-looking heap grow up to 4× its live size between full collections; a gateway's
// garbage is short-lived, so a quarter's headroom keeps its memory flat under load for a few percent
// of throughput (bench/README.md). `node --heap-growing-percent=N server.js` chooses otherwise.
if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) v8.setFlagsFromString("--heap-growing-percent=25");

process.env.NODE_ENV = "production";
// the hub installs its own signal handlers (they flush usage before exit); Next must not add its own
process.env.NEXT_MANUAL_SIG_HANDLE = "1";
process.chdir(__dirname);

const { config } = require("./.next/required-server-files.json");
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);

const port = Number.parseInt(process.env.PORT ?? "", 10) || 3000;
const hostname = process.env.HOSTNAME || "0.0.0.0";
const keepAliveTimeout = Number.parseInt(process.env.KEEP_ALIVE_TIMEOUT ?? "", 10);

let nextHandler;
function next() {
  nextHandler ??= (async () => {
    console.log("aigne hub: loading the web UI (the first request for it)");
    const app = require("next")({ dir: __dirname, dev: false, hostname, port, conf: config });
    await app.prepare();
    return app.getRequestHandler();
  })();
  return nextHandler;
}

function fail(error) {
  console.error(error);
  process.exit(1);
}

// HUB_ROLE=worker: this image's queue worker, the same process `node dist/worker.mjs` runs (lib/roles.ts)
if (process.env.HUB_ROLE === "worker") import("./dist/worker.mjs").catch(fail);
else serve();

function serve() {
  import("./dist/gateway.mjs")
    .then(async (gateway) => {
      await gateway.bootServer();
      const server = http.createServer((req, res) => {
        // the socket's address for throttling and the audit log (lib/auth/client-address.ts); always
        // overwritten, so a client cannot name its own
        req.headers["x-hub-peer"] = req.socket.remoteAddress ?? "";
        if (gateway.serveFromNode(req, res)) return;
        next()
          .then((handle) => handle(req, res))
          .catch((error) => {
            console.error(error);
            if (!res.headersSent) res.writeHead(500).end("Internal Server Error");
          });
      });
      if (keepAliveTimeout >= 0) server.keepAliveTimeout = keepAliveTimeout;
      server.listen(port, hostname, () => console.log(`aigne hub listening on http://${hostname}:${port}`));
    })
    .catch(fail);
}
