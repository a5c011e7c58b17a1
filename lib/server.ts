// The hub's HTTP server's own module (scripts/server.cjs loads it, bundled to dist/gateway.mjs;
// scripts/dev.mts imports it): it boots the hub and answers every API route from Node, so a process
// serving only API traffic never loads Next; Next is loaded for pages on first use.
import { apiRoute } from "./api-routes";
import { nodeFront } from "./gateway/node-front";

export { bootServer } from "./boot";
export const serveFromNode = nodeFront(apiRoute);
