/**
 * An answer of the hub's API before a transport writes it: the hub's HTTP server (node-front.ts)
 * writes it to Node's response, Next's route handlers (withApiKey) turn it into a web Response.
 */
export class Reply {
  private constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: { json: unknown } | { text: string } | { stream: ReadableStream<Uint8Array> },
  ) {}

  static json(value: unknown, headers: Record<string, string> = {}, status = 200): Reply {
    return new Reply(status, headers, { json: value });
  }

  /** `headers` name its content-type */
  static text(text: string, headers: Record<string, string>, status = 200): Reply {
    return new Reply(status, headers, { text });
  }

  static stream(stream: ReadableStream<Uint8Array>, headers: Record<string, string>): Reply {
    return new Reply(200, { ...headers }, { stream });
  }

  toResponse(): Response {
    if ("json" in this.body) return Response.json(this.body.json, { status: this.status, headers: this.headers });
    return new Response("text" in this.body ? this.body.text : this.body.stream, { status: this.status, headers: this.headers });
  }
}
