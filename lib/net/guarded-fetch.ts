import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AddressRefused, bareHost, resolveHost, type CheckedAddress, type Resolver } from "./address-policy";

// GET of a URL a tenant chose, for the hub's own use (image URLs). Each hop resolves its host once,
// checks every address against the address policy and connects to the checked address (a pinned
// lookup), so TLS SNI, certificate checks and the Host header still use the name while a second DNS
// answer can never be used. Redirects are followed up to a limit, each hop checked like the first.
// The body is counted as it streams and the connection cut as soon as it passes the byte budget,
// whatever Content-Length says (or whether there is one).

export type FetchRefusal = "bad_url" | "not_allowed" | "unresolvable" | "too_many_redirects" | "http_status" | "too_large" | "unreachable";

/** A fetch the hub would not make or finish; the message is safe to show a tenant (no address, no socket error). */
export class FetchRefused extends Error {
  override name = "FetchRefused";
  constructor(
    readonly reason: FetchRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** Bytes several fetches may read together (the images of one request). */
export class ByteBudget {
  private spent = 0;
  constructor(readonly limit: number) {}
  /** whether this many more bytes would stay within the limit */
  fits(bytes: number): boolean {
    return this.spent + bytes <= this.limit;
  }
  /** counts bytes read; false once the total has passed the limit */
  spend(bytes: number): boolean {
    this.spent += bytes;
    return this.spent <= this.limit;
  }
}

export interface GuardedFetchOptions {
  /** aborts the fetch, whatever stage it is in (client gone, deadline) */
  signal: AbortSignal;
  budget: ByteBudget;
  maxRedirects: number;
  /** exact host:port authorities (see authorityOf) the address policy does not apply to: an operator's choice */
  allowHosts: ReadonlySet<string>;
  /** no address policy at all (HUB_IMAGE_FETCH_ALLOW_PRIVATE, dangerous) */
  allowPrivate: boolean;
  accept: string;
  /** the name resolver; the system's by default */
  resolve?: Resolver;
}

export interface FetchedBody {
  contentType: string | null;
  body: Buffer;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** "host:port" of a URL, with the scheme's default port spelled out and the host as the URL parser normalised it. */
export const authorityOf = (url: URL) => `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;

export function parseHttpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FetchRefused("bad_url", "the URL is not a valid http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchRefused("bad_url", "the URL is not a valid http(s) URL");
  return url;
}

/** A lookup that answers every name with the address already checked: the connection cannot go elsewhere. */
function pinnedLookup(target: CheckedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

function request(url: URL, target: CheckedAddress, options: GuardedFetchOptions): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = (url.protocol === "https:" ? https : http).request(
      {
        protocol: url.protocol,
        hostname: bareHost(url.hostname),
        port: url.port || DEFAULT_PORTS[url.protocol],
        path: `${url.pathname}${url.search}`,
        method: "GET",
        // identity: a compressed body would pass the byte budget and then inflate past it
        headers: { accept: options.accept, "accept-encoding": "identity", "user-agent": "AIGNE-Hub" },
        // a fresh connection per fetch: a pooled one could have been opened to another address
        agent: false,
        lookup: pinnedLookup(target),
        signal: options.signal,
      },
      resolve,
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function readBody(response: http.IncomingMessage, budget: ByteBudget): Promise<Buffer> {
  const tooLarge = () => new FetchRefused("too_large", `the body is larger than ${budget.limit} bytes`);
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && !budget.fits(declared)) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  // leaving the loop by throwing destroys the response, which closes the connection at once
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (!budget.spend(chunk.length)) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
  });
}

async function hop(url: URL, options: GuardedFetchOptions): Promise<http.IncomingMessage> {
  const checked = !options.allowPrivate && !options.allowHosts.has(authorityOf(url));
  let target: CheckedAddress;
  try {
    // a name lookup cannot be cancelled, but the fetch must not wait for it past the deadline
    target = await Promise.race([resolveHost(url.hostname, { checked, resolve: options.resolve }), whenAborted(options.signal)]);
  } catch (error) {
    if (error instanceof AddressRefused) throw new FetchRefused(error.reason, `the URL's host ${error.reason === "not_allowed" ? "is not allowed" : "could not be resolved"}`);
    throw error;
  }
  return request(url, target, options);
}

/** GETs a tenant's http(s) URL under the address policy, the redirect limit and the byte budget. */
export async function guardedFetch(value: string, options: GuardedFetchOptions): Promise<FetchedBody> {
  let url = parseHttpUrl(value);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await hop(url, options);
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode ?? 0) && location) {
        response.destroy();
        if (redirects >= options.maxRedirects) throw new FetchRefused("too_many_redirects", `the URL redirected more than ${options.maxRedirects} times`);
        url = parseHttpUrl(new URL(location, url).href);
        continue;
      }
      if (!response.statusCode || response.statusCode < 200 || response.statusCode >= 300) {
        response.destroy();
        throw new FetchRefused("http_status", `the URL answered HTTP ${response.statusCode}`);
      }
      return { contentType: response.headers["content-type"] ?? null, body: await readBody(response, options.budget) };
    }
  } catch (error) {
    if (error instanceof FetchRefused) throw error;
    if (options.signal.aborted) throw options.signal.reason;
    // socket and TLS errors name addresses and ports: the tenant gets none of it
    throw new FetchRefused("unreachable", "the URL could not be fetched");
  }
}
