import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { bodyTooLarge } from "@/lib/http/api-error";
import { BodyTooLargeError, readBodyText, SMALL_BODY_BYTES } from "@/lib/http/body";
import { publicBaseUrl } from "@/lib/public-url";

export const dynamic = "force-dynamic";

// Auth.js builds its callback URL from the request's URL, and an identity provider refuses a
// callback that differs from the one the sign-in sent (built from the Host header). Next's request
// URL is not the browser's: it names loopback addresses "localhost". So, unless AUTH_URL pins the
// address, Auth.js gets a plain Request at the hub's public origin.
// Auth.js reads bodies without a limit, and these routes take anyone's requests: the body is read
// here, capped at 1 MiB (sign-in forms are a few hundred bytes), and handed on already read.
const forAuthJs = (handler: (request: NextRequest) => Promise<Response>) => async (request: NextRequest) => {
  let body: string | undefined;
  try {
    body = request.method === "POST" ? await readBodyText(request, SMALL_BODY_BYTES) : undefined;
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    const refused = bodyTooLarge(error.limit);
    return Response.json(refused.toJSON(), { status: refused.status });
  }
  const url = process.env.AUTH_URL ? request.url : new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, publicBaseUrl(request.headers));
  return handler(new Request(url, { method: request.method, headers: request.headers, body }) as NextRequest);
};

// Auth.js: sign-in, sign-out, session, CSRF token and the SSO callback
export const GET = forAuthJs(handlers.GET);
export const POST = forAuthJs(handlers.POST);
