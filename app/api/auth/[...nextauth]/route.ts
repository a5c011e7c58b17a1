import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { publicBaseUrl } from "@/lib/public-url";

export const dynamic = "force-dynamic";

// Auth.js builds its callback URL from the request's URL, and an identity provider refuses a
// callback that differs from the one the sign-in sent (built from the Host header). Next's request
// URL is not the browser's: it names loopback addresses "localhost". So, unless AUTH_URL pins the
// address, Auth.js gets a plain Request at the hub's public origin.
const atPublicOrigin = (handler: (request: NextRequest) => Promise<Response>) => async (request: NextRequest) => {
  if (process.env.AUTH_URL) return handler(request);
  const url = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, publicBaseUrl(request.headers));
  const body = request.method === "POST" ? await request.text() : undefined;
  return handler(new Request(url, { method: request.method, headers: request.headers, body }) as NextRequest);
};

// Auth.js: sign-in, sign-out, session, CSRF token and the SSO callback
export const GET = atPublicOrigin(handlers.GET);
export const POST = atPublicOrigin(handlers.POST);
