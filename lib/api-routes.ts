import { adminApiRoute } from "./admin-api/table";
import { gatewayRoute, type Serve } from "./gateway/routes";

/** Every API the hub serves from Node: the gateway's table and the admin API's (neither overlaps the other). */
export const apiRoute = (method: string, path: string): Serve | null => adminApiRoute(method, path) ?? gatewayRoute(method, path);
