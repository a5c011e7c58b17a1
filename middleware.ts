import { NextResponse, type NextRequest } from "next/server";

// The first line, not the guard: a request for an admin or account page without a session cookie is
// sent to sign in before anything renders, so nothing a page loads can ride along in the body of the
// redirect. Whether the cookie is valid, and whether its user may see the page, is decided where the
// data is read (lib/dal, lib/caller.ts); this only refuses the anonymous cheaply.

/** Auth.js v5 session cookies (the `__Secure-` one over HTTPS; `.0`, `.1`… when a large one is split). */
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export function middleware(request: NextRequest) {
  if (request.cookies.getAll().some((cookie) => SESSION_COOKIE.test(cookie.name) && cookie.value !== "")) return NextResponse.next();
  // where requireUser() sends them too; a redirect has no body
  const response = NextResponse.redirect(new URL("/sign-in", request.nextUrl), 307);
  response.headers.set("cache-control", "no-store");
  return response;
}

export const config = {
  // the Node runtime, as all of the hub's code: nothing is compiled for the Edge
  runtime: "nodejs",
  // every admin and account page (test/security/authz-pages.test.ts fails for one left out); static
  // assets, /api and the gateway's routes never reach this
  matcher: ["/admin/:path*", "/dashboard/:path*", "/keys/:path*", "/usage/:path*", "/billing/:path*", "/quickstart/:path*", "/security/:path*"],
};
