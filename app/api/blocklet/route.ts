import { discovery } from "@/lib/gateway/aigne-hub";
import { publicBaseUrl } from "@/lib/public-url";

export const dynamic = "force-dynamic";

// GET /__blocklet__.js (rewritten here, see next.config.ts) – how AIGNE clients find the hub's API:
// JSON with ?type=json, else the script form a browser would load
export async function GET(request: Request) {
  const info = await discovery(publicBaseUrl(request.headers));
  if (new URL(request.url).searchParams.get("type") === "json") return Response.json(info);
  return new Response(`window.blocklet = ${JSON.stringify(info)};\n`, { headers: { "content-type": "application/javascript; charset=utf-8" } });
}
