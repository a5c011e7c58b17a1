import "server-only";
import { settings, type Mode } from "../settings";

// What every page shows of the hub itself, the public ones (sign-in, sign-up, pricing) included: read
// without a caller, so it holds nothing that is not for everyone's eyes.

/** The hub's name and logo, as the admin set them. */
export interface Branding {
  name: string;
  logoUrl: string | null;
}

export interface Site {
  brand: Branding;
  /** which pages exist: only service provider mode sells credits (Billing) */
  mode: Mode;
}

export async function site(): Promise<Site> {
  const { brandName, brandLogoUrl, mode } = await settings();
  return { brand: { name: brandName, logoUrl: brandLogoUrl }, mode };
}
