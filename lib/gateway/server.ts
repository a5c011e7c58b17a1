// The hub's HTTP server's own module (scripts/server.cjs loads it, bundled to dist/gateway.mjs): it
// boots the hub and answers the gateway's routes from Node, so a process serving only API traffic
// never loads Next; Next is loaded for pages on first use.
export { bootServer } from "../boot";
export { serveFromNode } from "./node-front";
