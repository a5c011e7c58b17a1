// The hub's HTTP server's own module (scripts/server.cjs loads it, bundled to dist/gateway.mjs;
// scripts/dev.mts imports it): it boots the hub and answers every API route from Node, so a process
// serving only API traffic never loads Next; Next is loaded for pages on first use.
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiRouteFor } from "./api-routes";
import { env } from "./env";
import { nodeFront } from "./gateway/node-front";

export { bootServer } from "./boot";

// built on the first request: the role comes from the environment, which boot has validated by then
let front: ReturnType<typeof nodeFront> | undefined;

/** Serves the request from Node if this process's role has its route; false hands it to Next. */
export function serveFromNode(req: IncomingMessage, res: ServerResponse): boolean {
  front ??= nodeFront(apiRouteFor(env().HUB_ROLE));
  return front(req, res);
}
