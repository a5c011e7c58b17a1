import { z } from "zod";
import { parseUsd } from "../../money";
import { authorityOf, ByteBudget, guardedFetch, parseHttpUrl } from "../../net/guarded-fetch";
import { componentsOf, type ComponentCosts } from "../price-components";

// The operator's price catalogue (settings.priceSourceUrl): a JSON list of provider list prices the
// price guard compares the hub's prices with, besides the bundled @pydantic/genai-prices data. The
// format is in the README ("Price guard"):
//   [{ "provider": "openai", "model": "gpt-4o-mini", "input": 0.15, "output": 0.6, "cache_read": 0.075 }]
// provider: the hub's provider type; model: the upstream model name; prices: USD per 1M tokens
// (cache_read / cache_write absent: as input), image: USD per image, audio: USD per minute of audio,
// characters: USD per 1M characters, video: USD per second of video.

const CATALOGUE_TIMEOUT_MS = 15_000;
const CATALOGUE_MAX_BYTES = 5 * 1024 * 1024;
const MAX_ENTRIES = 50_000;

/** USD as a JSON number or a decimal string → nano-USD (a number is read to the nano-dollar). */
const usd = z.union([z.number().nonnegative().finite().transform((n) => n.toFixed(9)), z.string().regex(/^\d+(\.\d+)?$/)]).transform((s) => parseUsd(s));

const entrySchema = z.object({
  provider: z.string().min(1).max(64),
  model: z.string().min(1).max(256),
  input: usd,
  output: usd,
  cache_read: usd.nullish(),
  cache_write: usd.nullish(),
  image: usd.nullish(),
  audio: usd.nullish(),
  characters: usd.nullish(),
  video: usd.nullish(),
});

export const catalogueSchema = z.array(entrySchema).max(MAX_ENTRIES);

/** "provider type/upstream model" → its list price components. */
export type Catalogue = Map<string, ComponentCosts>;

export const catalogueKey = (providerType: string, upstreamModel: string) => `${providerType}/${upstreamModel}`;

export function parseCatalogue(json: unknown): Catalogue {
  const entries = catalogueSchema.parse(json);
  return new Map(
    entries.map((e) => [
      catalogueKey(e.provider, e.model),
      componentsOf({
        inputNanoUsdPer1M: e.input,
        outputNanoUsdPer1M: e.output,
        cachedReadNanoUsdPer1M: e.cache_read ?? null,
        cacheWriteNanoUsdPer1M: e.cache_write ?? null,
        imageNanoUsd: e.image ?? null,
        audioNanoUsdPerMinute: e.audio ?? null,
        characterNanoUsdPer1M: e.characters ?? null,
        videoNanoUsdPerSecond: e.video ?? null,
      }),
    ]),
  );
}

/**
 * Fetches and validates the catalogue, within a deadline and a byte cap. The configured host is the
 * operator's choice, so the address policy does not apply to it (a private price server is fine); a
 * redirect elsewhere is held to it.
 */
export async function fetchCatalogue(url: string): Promise<Catalogue> {
  const { body } = await guardedFetch(url, {
    signal: AbortSignal.timeout(CATALOGUE_TIMEOUT_MS),
    budget: new ByteBudget(CATALOGUE_MAX_BYTES),
    maxRedirects: 3,
    allowHosts: new Set([authorityOf(parseHttpUrl(url))]),
    allowPrivate: false,
    accept: "application/json",
  });
  return parseCatalogue(JSON.parse(body.toString("utf8")));
}
