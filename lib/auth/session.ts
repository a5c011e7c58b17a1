import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db/client";
import { ApiError } from "../http/api-error";
import { authenticate, bearerToken, userPrincipal, type Principal } from "../gateway/authenticate";
import { auth } from "./auth";

// Who is signed in, for pages, server actions and the web UI's route handlers. The session cookie
// only names the user; role and status come from the database each request.

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "member";
  teamId: string | null;
}

/** The signed-in, enabled user, or null (cached for the rest of the request). */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, teamId: true, disabledAt: true } });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role === "admin" ? "admin" : "member", teamId: user.teamId };
});

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** For admin pages and every admin server action: a member gets 403 from the server, not a hidden link. */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "admin") forbidden();
  return user;
}

/**
 * Authenticates a route handler the web UI calls with its session cookie. Cookies ride along on
 * cross-site requests, so a mutation must also come from our own origin (CSRF).
 */
export async function sessionPrincipal(request: Request): Promise<Principal> {
  if (request.method !== "GET" && !sameOrigin(request)) {
    throw new ApiError({ status: 403, type: "permission_error", code: "cross_origin", message: "This request did not come from the hub's own pages." });
  }
  const user = await currentUser();
  const principal = user && (await userPrincipal(user.id));
  if (!principal) throw new ApiError({ status: 401, type: "authentication_error", code: "not_signed_in", message: "Sign in to use this." });
  return principal;
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return request.headers.get("sec-fetch-site") === "same-origin";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** For APIs both programs (hub key) and the web UI (session cookie) call. */
export const keyOrSession = (request: Request): Promise<Principal> => (bearerToken(request) ? authenticate(request) : sessionPrincipal(request));
