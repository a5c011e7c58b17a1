// Message keys checked by the type checker: t("…") with a key the English files lack does not compile.
import type account from "../messages/en/account.json";
import type auth from "../messages/en/auth.json";
import type billing from "../messages/en/billing.json";
import type common from "../messages/en/common.json";
import type keys from "../messages/en/keys.json";
import type publicPages from "../messages/en/public.json";
import type usage from "../messages/en/usage.json";
import type admin from "../messages/en/admin.json";
import type adminBilling from "../messages/en/adminBilling.json";
import type adminCatalog from "../messages/en/adminCatalog.json";
import type adminOps from "../messages/en/adminOps.json";
import type adminPeople from "../messages/en/adminPeople.json";
import type requestLogging from "../messages/en/requestLogging.json";
import type { Locale } from "../lib/ui/locale";

declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: {
      common: typeof common; auth: typeof auth; account: typeof account; billing: typeof billing; keys: typeof keys; public: typeof publicPages; usage: typeof usage;
      admin: typeof admin; adminCatalog: typeof adminCatalog; adminPeople: typeof adminPeople; adminBilling: typeof adminBilling; adminOps: typeof adminOps; requestLogging: typeof requestLogging;
    };
  }
}
