import { sniffImageType, type InlineImage } from "../../canonical/data-url";
import { authorityOf, ByteBudget, FetchRefused, guardedFetch, parseHttpUrl } from "../../net/guarded-fetch";
import { upstreamAborted, UpstreamError } from "../upstream-error";
import { imageFetchSettings, type ImageFetchSettings } from "./images";

// Some providers answer image generation with links only (Ideogram); a client that asked for
// b64_json gets the bytes, downloaded by the hub. The links come from the provider's answer, yet they
// are fetched like a tenant's image URLs (lib/net/guarded-fetch: public addresses only, redirects
// re-checked, bytes counted as they stream) under the same limits — HUB_IMAGE_FETCH_MAX_BYTES for all
// the images of one answer, HUB_IMAGE_FETCH_TIMEOUT_MS for all of them — except on the provider's own
// host, which the operator chose when they configured it.

const undeliverable = (reason: string) => new UpstreamError({ kind: "http", status: 502, message: `the generated image could not be downloaded: ${reason}` });

/** The images at `urls`, in order; a failure of any fails them all (the provider's answer is unusable). */
export async function downloadGeneratedImages(urls: string[], providerBaseUrl: string, signal: AbortSignal, settings: ImageFetchSettings = imageFetchSettings()): Promise<InlineImage[]> {
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const stop = new AbortController();
  const fetchSignal = AbortSignal.any([signal, deadline, stop.signal]);
  const budget = new ByteBudget(settings.maxBytes);
  const allowHosts = new Set([...settings.allowHosts, authorityOf(parseHttpUrl(providerBaseUrl))]);

  const failureOf = (error: unknown): UpstreamError => {
    if (error instanceof UpstreamError) return error;
    if (signal.aborted) return upstreamAborted();
    if (deadline.aborted) return undeliverable(`not within ${settings.timeoutMs} ms`);
    if (error instanceof FetchRefused) return undeliverable(error.message);
    return undeliverable("the download failed");
  };

  const download = async (url: string): Promise<InlineImage> => {
    const { contentType, body } = await guardedFetch(url, { signal: fetchSignal, budget, accept: "image/*", maxRedirects: settings.maxRedirects, allowHosts, allowPrivate: settings.allowPrivate });
    const declared = contentType?.split(";")[0]?.trim();
    const mediaType = declared?.startsWith("image/") ? declared : sniffImageType(body);
    if (!mediaType) throw undeliverable("the file is not an image");
    return { mediaType, base64: body.toString("base64") };
  };

  try {
    return await Promise.all(
      urls.map((url) =>
        download(url).catch((error: unknown) => {
          // the answer fails with the first failure, so the other downloads need not go on
          stop.abort();
          throw error;
        }),
      ),
    );
  } catch (error) {
    throw failureOf(error);
  }
}
