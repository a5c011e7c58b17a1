import type { Locale } from "@/lib/ui/locale";

// The UI's texts, one file per area and language (messages/<locale>/<namespace>.json) so several people
// can translate at once without conflicts; merged here into one object keyed by namespace.
// A new area: add its two files and its name below (test/unit/messages.test.ts checks all three agree).
export const NAMESPACES = ["common", "auth", "account", "billing", "keys", "public", "usage", "admin", "adminCatalog", "adminPeople", "adminBilling", "adminOps", "requestLogging"] as const;
export type Namespace = (typeof NAMESPACES)[number];

export type Messages = Record<Namespace, Record<string, unknown>>;

export async function loadMessages(locale: Locale): Promise<Messages> {
  const parts = await Promise.all(NAMESPACES.map(async (ns) => [ns, (await import(`../messages/${locale}/${ns}.json`)).default] as const));
  return Object.fromEntries(parts) as Messages;
}
