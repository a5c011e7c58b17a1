/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: Next loads and serves from it like the server.js it replaces */
// The hub's HTTP server, written over the server.js that `next build` puts into .next/standalone (see
// scripts/build.mjs): every request is offered first to the gateway's hot path, which the hub installs
// once it has booted (lib/gateway/node-front.ts); the rest — and everything before boot — is Next's.
const http = require("node:http");

process.env.NODE_ENV = "production";
process.chdir(__dirname);

const { config } = require("./.next/required-server-files.json");
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);

const port = Number.parseInt(process.env.PORT ?? "", 10) || 3000;
const hostname = process.env.HOSTNAME || "0.0.0.0";
const keepAliveTimeout = Number.parseInt(process.env.KEEP_ALIVE_TIMEOUT ?? "", 10);
const hotPath = Symbol.for("aigne-hub.node-front");

const next = require("next");
const app = next({ dir: __dirname, dev: false, hostname, port, conf: config });

app
  .prepare()
  .then(() => {
    const handle = app.getRequestHandler();
    const server = http.createServer((req, res) => {
      if (globalThis[hotPath]?.(req, res)) return;
      handle(req, res).catch((error) => {
        console.error(error);
        if (!res.headersSent) res.writeHead(500).end("Internal Server Error");
      });
    });
    if (keepAliveTimeout >= 0) server.keepAliveTimeout = keepAliveTimeout;
    server.listen(port, hostname, () => console.log(`aigne hub listening on http://${hostname}:${port}`));
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
