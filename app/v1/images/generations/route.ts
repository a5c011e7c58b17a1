import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /v1/images/generations – images from a prompt (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.images);
export const GET = methodNotAllowed;
