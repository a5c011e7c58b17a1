// A price catalogue on loopback, as an operator would publish one for the price guard
// (settings.priceSourceUrl): a JSON list of provider list prices, USD per 1M tokens. The test sets
// what it serves.
import { startHttpFake } from "./http-fake";

export interface CatalogueEntry {
  provider: string;
  model: string;
  input: number | string;
  output: number | string;
  cache_read?: number | string | null;
  cache_write?: number | string | null;
  image?: number | string | null;
  audio?: number | string | null;
  characters?: number | string | null;
  video?: number | string | null;
}

export async function startPriceCatalogue(entries: CatalogueEntry[] = []) {
  const served = { entries, status: 200 };
  const fake = await startHttpFake((x) => {
    if (x.url.pathname !== "/prices.json") return x.json(404, { error: "not found" });
    return x.json(served.status, served.status === 200 ? served.entries : { error: "down" });
  });
  return { ...fake, url: `${fake.origin}/prices.json`, served };
}
