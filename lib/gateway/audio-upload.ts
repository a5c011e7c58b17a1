import { parseBuffer } from "music-metadata";
import type { AudioUpload } from "../canonical/audio";
import { env } from "../env";
import { ApiError } from "../http/api-error";
import { BodyTooLargeError, readBody } from "../http/body";
import type { InboundRequest } from "../http/inbound";
import { invalidRequest } from "./errors";

// A transcription's multipart form, read within bounds before any work is done on it: the body is
// counted as it streams in (the file's cap plus room for the text fields), the form holds at most a
// few dozen fields, and the audio's length is read from its own headers to size the call's hold.

/** room for the form's boundaries and text fields beside the file */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const MAX_FIELDS = 32;

export interface AudioForm {
  /** text fields; a name ending in [] (timestamp_granularities[]) collects its values */
  fields: Record<string, string | string[]>;
  file: AudioUpload;
}

const tooLarge = (limit: number) =>
  new ApiError({ status: 413, type: "invalid_request_error", code: "file_too_large", param: "file", message: `The audio file is larger than the hub accepts (${limit} bytes).` });

/** Reads and parses the form; throws the 400 / 413 the client gets. */
export async function readAudioForm(request: InboundRequest): Promise<AudioForm> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data;/i.test(type)) throw invalidRequest("Send the audio as multipart/form-data with the file in a field named 'file'.", "invalid_content_type");
  const limit = env().HUB_MAX_AUDIO_BYTES;
  const body = await readBody(request, limit + FORM_OVERHEAD_BYTES).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? tooLarge(limit) : error;
  });
  let form: FormData;
  try {
    form = await new Response(new Blob([body as unknown as BlobPart]), { headers: { "content-type": type } }).formData();
  } catch {
    throw invalidRequest("We could not parse the multipart form of your request.", "invalid_multipart");
  }
  const fields: Record<string, string | string[]> = {};
  let file: File | null = null;
  let count = 0;
  for (const [name, value] of form) {
    if (++count > MAX_FIELDS) throw invalidRequest(`The form has more than ${MAX_FIELDS} fields.`, "too_many_fields");
    if (name === "file") {
      if (typeof value === "string" || file) throw invalidRequest("'file' must be one uploaded file.", "invalid_file", "file");
      file = value;
    } else if (typeof value !== "string") {
      throw invalidRequest(`'${name}' must be a text field; only 'file' is an upload.`, "invalid_field", name);
    } else if (name.endsWith("[]")) {
      const key = name.slice(0, -2);
      fields[key] = [...((fields[key] as string[] | undefined) ?? []), value];
    } else {
      fields[name] = value;
    }
  }
  if (!file) throw invalidRequest("The form has no 'file': upload the audio in a field named 'file'.", "missing_file", "file");
  if (file.size > limit) throw tooLarge(limit);
  if (file.size === 0) throw invalidRequest("The uploaded audio file is empty.", "empty_file", "file");
  return { fields, file: { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name || "audio", type: file.type } };
}

/**
 * The audio's length in milliseconds, from its container's headers; null when they do not say
 * (a browser's WebM recording often does not) or the file is not audio the parser knows.
 */
export async function audioDurationMs(file: AudioUpload): Promise<number | null> {
  try {
    const { format } = await parseBuffer(file.bytes, { mimeType: file.type || undefined, size: file.bytes.byteLength, path: file.name }, { duration: true, skipCovers: true });
    const seconds = format.duration;
    return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : null;
  } catch {
    return null;
  }
}

/**
 * The longest the audio can be when its headers do not say: its size at 6 kbit/s, the lowest bitrate
 * of any codec the upstreams accept (Opus voice).
 */
export const longestAudioMs = (bytes: number) => Math.ceil((bytes * 8) / 6);
