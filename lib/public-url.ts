import { env } from "./env";

/** The URL clients reach this hub at: HUB_PUBLIC_URL, else what the request says (behind proxies too). */
export function publicBaseUrl(headers: { get(name: string): string | null }): string {
  const configured = env().HUB_PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? `localhost:${env().PORT}`;
  const proto = headers.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}
