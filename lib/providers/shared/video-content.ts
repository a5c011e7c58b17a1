import type { VideoContent } from "../../canonical/video";
import { UpstreamError } from "../upstream-error";

/** A video file answer (a fetch Response, as the SDKs hand them over too) as the stream the gateway relays. */
export function videoContentOf(response: Response): VideoContent {
  if (!response.body) throw new UpstreamError({ kind: "http", status: 502, message: "the upstream answered the video download without a body" });
  const length = Number(response.headers.get("content-length") ?? NaN);
  return { body: response.body, contentType: response.headers.get("content-type") ?? "video/mp4", length: Number.isSafeInteger(length) && length >= 0 ? length : null };
}
