// Signs in to the hub's web UI over HTTP the way a browser does (Auth.js credentials flow), for tests
// that act as a signed-in person: the CSRF cookie and token first, then the credentials callback.

/** The `name=value` pairs of a response's Set-Cookie headers. */
function cookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";")[0]!);
}

/** A Cookie header value carrying a web session of `email`; throws if the hub did not issue one. */
export async function signInOverHttp(hubUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${hubUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookies = cookiePairs(csrf);
  const callback = await fetch(`${hubUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${hubUrl}/dashboard` }),
  });
  const session = cookiePairs(callback).filter((pair) => /^(__Secure-)?authjs\.session-token(\.\d+)?=./.test(pair));
  if (session.length === 0) throw new Error(`no session for ${email}: ${callback.status} ${callback.headers.get("location")}`);
  return session.join("; ");
}
