import { adminTokenActor, type AuditActor } from "../admin/audit";
import { checkAdminToken, scopeAllows, type AdminScope } from "../admin/tokens";
import { clientAddress } from "../auth/client-address";
import { bearerToken } from "../gateway/authenticate";
import { ApiError } from "../http/api-error";
import type { InboundRequest } from "../http/inbound";

/** Who is calling the admin API: always an admin token (an API key or a session never is one). */
export interface AdminCaller {
  /** the token, the API as the front end, the client's address: what the audit log records */
  actor: AuditActor;
  tokenId: string;
  scope: AdminScope;
}

const REFUSED = {
  unknown: "This admin token is not valid.",
  revoked: "This admin token has been revoked.",
  expired: "This admin token has expired.",
  address: "This admin token may not be used from your address.",
} as const;

export async function adminCaller(request: Pick<InboundRequest, "headers">): Promise<AdminCaller> {
  const secret = bearerToken(request);
  if (!secret) {
    throw new ApiError({ status: 401, type: "authentication_error", code: "missing_admin_token", message: "Send an admin token as 'Authorization: Bearer sk-admin-…'." });
  }
  if (!secret.startsWith("sk-admin-")) {
    // an API key, however privileged its owner, only calls models
    throw new ApiError({ status: 401, type: "authentication_error", code: "not_an_admin_token", message: "The admin API takes admin tokens (sk-admin-…), not API keys." });
  }
  const ip = clientAddress(request.headers);
  const check = await checkAdminToken(secret, ip);
  if ("refused" in check) {
    const status = check.refused === "address" ? 403 : 401;
    throw new ApiError({ status, type: status === 403 ? "permission_error" : "authentication_error", code: `admin_token_${check.refused}`, message: REFUSED[check.refused] });
  }
  return { actor: adminTokenActor(check.token.id, ip), tokenId: check.token.id, scope: check.token.scope };
}

/** Refuses a caller whose token's scope does not cover `needed`. */
export function requireScope(caller: AdminCaller, needed: AdminScope): void {
  if (!scopeAllows(caller.scope, needed)) {
    throw new ApiError({ status: 403, type: "permission_error", code: "insufficient_scope", message: `This needs an admin token with the '${needed}' scope (yours has '${caller.scope}').` });
  }
}
