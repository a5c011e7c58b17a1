import { ApiError } from "../http/api-error";
import { BodyTooLargeError, readBody } from "../http/body";
import type { InboundRequest } from "../http/inbound";
import { invalidRequest } from "./errors";

// An upload's multipart form, read within bounds before any work is done on it: the body is counted
// as it streams in (the file's cap plus room for the text fields) and the form holds at most a few
// dozen fields, of which one named field may be a file.

/** room for the form's boundaries and text fields beside the file */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const MAX_FIELDS = 32;

export interface UploadForm {
  /** text fields; a name ending in [] (timestamp_granularities[]) collects its values */
  fields: Record<string, string | string[]>;
  file: { bytes: Uint8Array; name: string; type: string } | null;
}

export interface FormRules {
  /** the one field that may be an upload */
  fileField: string;
  maxFileBytes: number;
  /** what the upload is, for messages ("audio file", "reference image") */
  what: string;
}

export const fileTooLarge = (rules: FormRules) =>
  new ApiError({
    status: 413,
    type: "invalid_request_error",
    code: "file_too_large",
    param: rules.fileField,
    message: `The ${rules.what} is larger than the hub accepts (${rules.maxFileBytes} bytes).`,
  });

export const isMultipart = (request: InboundRequest) => /^multipart\/form-data;/i.test(request.headers.get("content-type") ?? "");

/** Reads and parses the form; throws the 400 / 413 the client gets. */
export async function readUploadForm(request: InboundRequest, rules: FormRules): Promise<UploadForm> {
  const type = request.headers.get("content-type") ?? "";
  const body = await readBody(request, rules.maxFileBytes + FORM_OVERHEAD_BYTES).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? fileTooLarge(rules) : error;
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
    if (name === rules.fileField) {
      if (typeof value === "string" || file) throw invalidRequest(`'${name}' must be one uploaded file.`, "invalid_file", name);
      file = value;
    } else if (typeof value !== "string") {
      throw invalidRequest(`'${name}' must be a text field; only '${rules.fileField}' is an upload.`, "invalid_field", name);
    } else if (name.endsWith("[]")) {
      const key = name.slice(0, -2);
      fields[key] = [...((fields[key] as string[] | undefined) ?? []), value];
    } else {
      fields[name] = value;
    }
  }
  if (!file) return { fields, file: null };
  if (file.size > rules.maxFileBytes) throw fileTooLarge(rules);
  if (file.size === 0) throw invalidRequest(`The uploaded ${rules.what} is empty.`, "empty_file", rules.fileField);
  return { fields, file: { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, type: file.type } };
}
