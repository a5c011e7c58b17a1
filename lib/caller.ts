// Who is asking for data. Every function that reads or changes admin data takes its caller first and
// checks it before the first query, so a page, a server action, a route or an RSC request that reaches
// it without a signed-in admin is refused there — whatever layout, menu or middleware it skipped.

/** A signed-in person (a `SessionUser` is one) or the operator's own tools. */
export interface Caller {
  id: string;
  email: string;
  role: "admin" | "member";
}

/**
 * The operator at the console: the `hub` CLI, jobs and tests, which run with the hub's own database
 * credentials and so may read everything. Never built from a request.
 */
export const OPERATOR: Caller = Object.freeze({ id: "operator", email: "operator", role: "admin" });

/** The caller may not see or change this. Pages answer 403; server actions answer with an error. */
export class AccessDenied extends Error {
  readonly code = "forbidden";
  constructor(what: string) {
    super(`not allowed: ${what}`);
    this.name = "AccessDenied";
  }
}

export function assertAdmin(caller: Caller, what = "admin data"): void {
  if (caller?.role !== "admin") throw new AccessDenied(what);
}

/** Whose rows a caller may list: an admin anyone's (or everyone's), a member only their own. */
export function ownerScope(caller: Caller, ownerId?: string): string | undefined {
  return caller.role === "admin" ? ownerId : caller.id;
}
