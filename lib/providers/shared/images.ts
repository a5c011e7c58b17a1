import { env } from "../../env";
import { ByteBudget, FetchRefused, guardedFetch } from "../../net/guarded-fetch";
import type { ChatMessage } from "../../canonical/schema";
import { UpstreamError, upstreamAborted } from "../upstream-error";
import { partsOf } from "../../canonical/request";
import { parseDataUrl, sniffImageType, type InlineImage } from "../../canonical/data-url";

// Providers that cannot fetch image URLs themselves (Bedrock, Gemini, Ollama) get the bytes inline, so
// the hub fetches the tenant's http(s) image URLs — a request it makes from inside its own network.
// Every fetch goes through lib/net/guarded-fetch (public addresses only, connection pinned to the
// checked address, redirects re-checked, streaming byte cap), and a request gets a bounded number of
// fetches, one byte budget and one deadline for all of them together.

export interface ImageFetchSettings {
  /** http(s) image URLs one request may have (data: URLs are not fetched and not counted) */
  maxImages: number;
  /** bytes of all the fetched images of one request together */
  maxBytes: number;
  /** one deadline for all the fetches of one request */
  timeoutMs: number;
  maxRedirects: number;
  /** exact host:port authorities fetched without the address policy (development and tests) */
  allowHosts: ReadonlySet<string>;
  /** no address policy at all: dangerous, any tenant can then reach the hub's network */
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 3;

export function imageFetchSettings(): ImageFetchSettings {
  const e = env();
  return {
    maxImages: e.HUB_IMAGE_FETCH_MAX_IMAGES,
    maxBytes: e.HUB_IMAGE_FETCH_MAX_BYTES,
    timeoutMs: e.HUB_IMAGE_FETCH_TIMEOUT_MS,
    maxRedirects: MAX_REDIRECTS,
    allowHosts: new Set(e.HUB_IMAGE_FETCH_ALLOW_HOSTS),
    allowPrivate: e.HUB_IMAGE_FETCH_ALLOW_PRIVATE,
  };
}

const refuse = (code: string, message: string) => new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code, message });

/** What the tenant is told: no message names an address or a socket error. */
function refusal(error: FetchRefused, settings: ImageFetchSettings): UpstreamError {
  switch (error.reason) {
    case "not_allowed":
      return refuse("image_url_not_allowed", "the image URL's host is not allowed: the hub fetches images only from public addresses");
    case "bad_url":
      return refuse("invalid_image_url", "image_url.url must be a data: URL or an http(s) URL");
    case "too_large":
      return refuse("image_too_large", `the images of one request may have at most ${settings.maxBytes} bytes together`);
    case "unresolvable":
      return refuse("invalid_image_url", "the image URL's host could not be resolved");
    case "too_many_redirects":
      return refuse("invalid_image_url", `the image URL redirected more than ${settings.maxRedirects} times`);
    case "http_status":
      return refuse("invalid_image_url", `could not fetch the image: ${error.message}`);
    case "unreachable":
      return refuse("invalid_image_url", "could not fetch the image");
  }
}

/** The http(s) image URLs of a conversation, each once (adapters inline images of the caller's turns only). */
function fetchedUrls(messages: ChatMessage[]): Set<string> {
  const urls = new Set<string>();
  for (const message of messages) {
    if (message.role === "assistant" || message.role === "tool") continue;
    for (const part of partsOf(message.content)) if (part.type === "image" && !part.url.startsWith("data:")) urls.add(part.url);
  }
  return urls;
}

export interface RequestImages {
  /** A data: URL as is, or the fetched bytes of an http(s) URL of the request. */
  inline(url: string): Promise<InlineImage>;
}

// A fallback to another deployment converts the same request again: it reuses the fetches (and their
// deadline) of the first attempt instead of fetching everything anew.
const perRequest = new WeakMap<ChatMessage[], RequestImages>();

/**
 * Starts fetching the image URLs of a request, all at once, under one deadline and one byte budget,
 * after refusing (400, naming the limit) a request with more of them than the cap.
 */
export function requestImages(messages: ChatMessage[], signal: AbortSignal, settings: ImageFetchSettings = imageFetchSettings()): RequestImages {
  const known = perRequest.get(messages);
  if (known) return known;
  const urls = fetchedUrls(messages);
  if (urls.size > settings.maxImages) throw refuse("too_many_images", `a request may have at most ${settings.maxImages} image URLs (data: URLs do not count); this one has ${urls.size}`);

  const stop = new AbortController();
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const fetchSignal = AbortSignal.any([signal, deadline, stop.signal]);
  const budget = new ByteBudget(settings.maxBytes);

  // the first failure is the request's: fetches it stopped report it too, not their own abort
  let firstFailure: UpstreamError | null = null;
  const failureOf = (error: unknown): UpstreamError => {
    if (error instanceof UpstreamError) return error;
    if (error instanceof FetchRefused) return refusal(error, settings);
    if (signal.aborted) return upstreamAborted();
    if (deadline.aborted) return refuse("image_fetch_timeout", `the image URLs of one request must be fetched within ${settings.timeoutMs} ms`);
    return refuse("invalid_image_url", "could not fetch the image");
  };

  const fetchOne = async (url: string): Promise<InlineImage> => {
    try {
      const { contentType, body } = await guardedFetch(url, { signal: fetchSignal, budget, accept: "image/*", maxRedirects: settings.maxRedirects, allowHosts: settings.allowHosts, allowPrivate: settings.allowPrivate });
      const declared = contentType?.split(";")[0]?.trim();
      const mediaType = declared?.startsWith("image/") ? declared : sniffImageType(body);
      if (!mediaType) throw refuse("invalid_image_url", "the file at the image URL is not an image");
      return { mediaType, base64: body.toString("base64") };
    } catch (error) {
      firstFailure ??= failureOf(error);
      // the request fails with it, so the other fetches need not go on
      stop.abort();
      throw firstFailure;
    }
  };

  const fetches = new Map<string, Promise<InlineImage>>();
  for (const url of urls) {
    const fetching = fetchOne(url);
    // awaited by inline(); an adapter that fails first never awaits the rest
    fetching.catch(() => {});
    fetches.set(url, fetching);
  }

  const images: RequestImages = {
    async inline(url) {
      const data = parseDataUrl(url);
      if (data) return data;
      const fetching = fetches.get(url);
      if (fetching) return fetching;
      throw refuse("invalid_image_url", "image_url.url must be a data: URL or an http(s) URL");
    },
  };
  perRequest.set(messages, images);
  return images;
}
