// A fake OpenID Connect provider for single sign-on tests: discovery, an authorization endpoint
// that signs the configured person in at once (a real one shows its login page), a token endpoint
// that checks the client secret and the PKCE verifier and answers with an RS256-signed ID token,
// the userinfo endpoint for its access token, and the JWKS to verify the token.
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { startHttpFake } from "./http-fake";

export interface FakeOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** who signs in next; emailVerified (default true) is the email_verified claim the provider makes */
  user: { email: string; name: string; sub: string; emailVerified?: boolean };
  close(): Promise<void>;
}

interface Grant {
  redirectUri: string;
  challenge: string | null;
  nonce: string | null;
  user: FakeOidc["user"];
}

const base64url = (buffer: Buffer) => buffer.toString("base64url");

export async function startFakeOidc(options: { port?: number; clientId: string; clientSecret: string }): Promise<FakeOidc> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "fake-1", alg: "RS256", use: "sig" };
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, FakeOidc["user"]>();
  const state = { issuer: "", user: { email: "sso@example.test", name: "SSO User", sub: "sso-user-1" } };

  const fake = await startHttpFake(
    async (x) => {
      const path = x.url.pathname.replace(/^\/oidc/, "");
      if (path === "/.well-known/openid-configuration") {
        return x.json(200, {
          issuer: state.issuer,
          authorization_endpoint: `${state.issuer}/authorize`,
          token_endpoint: `${state.issuer}/token`,
          jwks_uri: `${state.issuer}/jwks`,
          userinfo_endpoint: `${state.issuer}/userinfo`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        });
      }
      if (path === "/jwks") return x.json(200, { keys: [jwk] });
      if (path === "/userinfo") {
        const user = accessTokens.get(String(x.req.headers.authorization ?? "").replace(/^Bearer /, ""));
        if (!user) return x.json(401, { error: "invalid_token" }, { "www-authenticate": 'Bearer error="invalid_token"' });
        return x.json(200, { sub: user.sub, email: user.email, email_verified: user.emailVerified ?? true, name: user.name });
      }
      if (path === "/authorize") {
        const q = x.url.searchParams;
        if (q.get("client_id") !== options.clientId || q.get("response_type") !== "code") return x.json(400, { error: "invalid_request" });
        const code = base64url(randomBytes(16));
        grants.set(code, { redirectUri: q.get("redirect_uri")!, challenge: q.get("code_challenge"), nonce: q.get("nonce"), user: { ...state.user } });
        const back = new URL(q.get("redirect_uri")!);
        back.searchParams.set("code", code);
        if (q.get("state")) back.searchParams.set("state", q.get("state")!);
        x.res.writeHead(302, { location: back.toString() });
        x.res.end();
        return x.finish();
      }
      if (path === "/token" && x.req.method === "POST") {
        const form = new URLSearchParams(x.raw.toString("utf8"));
        const basic = /^Basic (.+)$/.exec(String(x.req.headers.authorization ?? ""))?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent)
          : [form.get("client_id"), form.get("client_secret")];
        if (id !== options.clientId || secret !== options.clientSecret) return x.json(401, { error: "invalid_client" });
        const grant = grants.get(form.get("code") ?? "");
        grants.delete(form.get("code") ?? "");
        if (!grant || grant.redirectUri !== form.get("redirect_uri")) return x.json(400, { error: "invalid_grant" });
        const verifier = form.get("code_verifier") ?? "";
        if (grant.challenge && base64url(createHash("sha256").update(verifier).digest()) !== grant.challenge) return x.json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
        const idToken = await new SignJWT({ email: grant.user.email, email_verified: grant.user.emailVerified ?? true, name: grant.user.name, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
          .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
          .setIssuer(state.issuer)
          .setSubject(grant.user.sub)
          .setAudience(options.clientId)
          .setIssuedAt()
          .setExpirationTime("5m")
          .sign(privateKey);
        const accessToken = base64url(randomBytes(24));
        accessTokens.set(accessToken, grant.user);
        return x.json(200, { access_token: accessToken, token_type: "Bearer", expires_in: 300, scope: "openid email profile", id_token: idToken });
      }
      return x.json(404, { error: "not_found" });
    },
    { port: options.port },
  );
  state.issuer = `${fake.origin}/oidc`;
  return {
    issuer: state.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    get user() {
      return state.user;
    },
    set user(user) {
      state.user = user;
    },
    close: fake.close,
  };
}
