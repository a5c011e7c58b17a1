import { parseBuffer } from "music-metadata";
import type { AudioUpload } from "../canonical/audio";
import { env } from "../env";
import type { InboundRequest } from "../http/inbound";
import { invalidRequest } from "./errors";
import { isMultipart, readUploadForm } from "./multipart-form";

// A transcription's upload: its form read within bounds (multipart-form.ts), and the audio's length
// read from its own headers to size the call's hold.

export interface AudioForm {
  /** text fields; a name ending in [] (timestamp_granularities[]) collects its values */
  fields: Record<string, string | string[]>;
  file: AudioUpload;
}

/** Reads and parses the form; throws the 400 / 413 the client gets. */
export async function readAudioForm(request: InboundRequest): Promise<AudioForm> {
  if (!isMultipart(request)) throw invalidRequest("Send the audio as multipart/form-data with the file in a field named 'file'.", "invalid_content_type");
  const { fields, file } = await readUploadForm(request, { fileField: "file", maxFileBytes: env().HUB_MAX_AUDIO_BYTES, what: "audio file" });
  if (!file) throw invalidRequest("The form has no 'file': upload the audio in a field named 'file'.", "missing_file", "file");
  return { fields, file: { ...file, name: file.name || "audio" } };
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
