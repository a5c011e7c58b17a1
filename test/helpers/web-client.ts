// A browser's side of the web UI, over plain HTTP: a cookie jar, the Auth.js sign-in (CSRF token,
// then the credentials callback), single sign-on through an identity provider, and server actions
// called the way Next's client calls them (Next-Action header, the action's id from the build's
// manifest, arguments encoded as React encodes a (state, FormData) call).
import { readFileSync } from "node:fs";
import path from "node:path";

const MANIFEST = path.resolve(import.meta.dirname, "../../.next/standalone/.next/server/server-reference-manifest.json");

/** The id of a server action in the current build, by its file and exported name. */
export function actionId(file: string, exportedName: string): string {
  const { node } = JSON.parse(readFileSync(MANIFEST, "utf8")) as { node: Record<string, { filename?: string; exportedName?: string }> };
  const found = Object.entries(node).find(([, entry]) => entry.filename === file && entry.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${file} in the build`);
  return found[0];
}

export interface SignInResult {
  /** signed in: the session cookie was set */
  ok: boolean;
  /** Auth.js's error code on failure (invalid_credentials, throttled, AccessDenied …) */
  code: string | null;
  status: number;
  ms: number;
}

export class WebClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** sent as X-Forwarded-For: the client address when the hub trusts loopback as a proxy */
    readonly forwardedFor?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return { ...(cookie ? { cookie } : {}), ...(this.forwardedFor ? { "x-forwarded-for": this.forwardedFor } : {}), ...extra };
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.baseUrl), { redirect: "manual", ...init, headers: this.headers(init.headers) });
    this.keep(res);
    return res;
  }

  /** the Cookie header this client sends, for requests made without it */
  get cookieHeader(): string {
    return this.headers().cookie ?? "";
  }

  get signedIn(): boolean {
    return [...this.cookies.keys()].some((name) => name.endsWith("authjs.session-token"));
  }

  private async csrfToken(): Promise<string> {
    return ((await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  }

  /** POSTs the sign-in form to Auth.js's credentials callback, as the sign-in page does. */
  async signIn(email: string, password: string, code?: string): Promise<SignInResult> {
    const csrfToken = await this.csrfToken();
    const body = new URLSearchParams({ csrfToken, email, password, ...(code !== undefined ? { code } : {}), callbackUrl: `${this.baseUrl}/dashboard` });
    const started = performance.now();
    const res = await this.fetch("/api/auth/callback/credentials", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const ms = performance.now() - started;
    await res.arrayBuffer();
    return { ok: this.signedIn, code: errorCode(res), status: res.status, ms };
  }

  /** Single sign-on: the hub sends the browser to the identity provider, which sends it back signed in (or not). */
  async signInWithSso(): Promise<SignInResult> {
    const csrfToken = await this.csrfToken();
    let res = await this.fetch("/api/auth/signin/oidc", { method: "POST", body: new URLSearchParams({ csrfToken, callbackUrl: `${this.baseUrl}/dashboard` }), headers: { "content-type": "application/x-www-form-urlencoded" } });
    // hub → identity provider → hub's callback → where the hub sends us
    for (let hops = 0; hops < 3 && res.status >= 300 && res.status < 400; hops++) {
      const location = res.headers.get("location")!;
      res = location.startsWith(this.baseUrl) ? await this.fetch(location) : await fetch(location, { redirect: "manual" });
      if (res.headers.get("location")?.includes("/sign-in")) break;
    }
    await res.arrayBuffer();
    return { ok: this.signedIn, code: errorCode(res), status: res.status, ms: 0 };
  }

  /**
   * Calls a (state, FormData) server action as a form of `page` would and returns the state it
   * answered. React encodes the call as a multipart form: the FormData's fields as "_1_<name>" (it is
   * reference 1 of the reply), the argument list as "0".
   */
  async action<T = Record<string, unknown>>(page: string, file: string, exportedName: string, fields: Record<string, string>): Promise<T> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
    form.append("0", JSON.stringify([{}, "$K1"]));
    const res = await this.fetch(page, { method: "POST", body: form, headers: { "next-action": actionId(file, exportedName), origin: this.baseUrl, accept: "text/x-component" } });
    const text = await res.text();
    if (!res.ok) throw new Error(`server action ${exportedName} answered ${res.status}: ${text.slice(0, 300)}`);
    // the RSC stream: row 0 points at the action's result ("a":"$@<row>"), which is a JSON row of its own
    const rows = new Map(text.split("\n").filter(Boolean).map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]));
    const head = JSON.parse(rows.get("0")!) as { a: string };
    return JSON.parse(rows.get(head.a.replace("$@", ""))!) as T;
  }
}

/** A Cookie header carrying a web session of `email`; throws if the hub did not issue one. */
export async function sessionCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const client = new WebClient(baseUrl);
  const result = await client.signIn(email, password);
  if (!result.ok) throw new Error(`no session for ${email}: ${result.status} ${result.code ?? ""}`);
  return client.cookieHeader;
}

function errorCode(res: Response): string | null {
  const location = res.headers.get("location");
  if (!location) return null;
  const url = new URL(location, "http://hub");
  return url.searchParams.get("code") ?? url.searchParams.get("error");
}
