import { handlers } from "@/lib/auth/auth";

export const dynamic = "force-dynamic";

// Auth.js: sign-in, sign-out, session, CSRF token and the SSO callback
export const { GET, POST } = handlers;
