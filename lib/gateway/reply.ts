/**
 * A handler's answer before a transport writes it: Next's route handlers turn it into a web Response,
 * the hot-path server (node-front.ts) writes it to Node's response without one.
 */
export class Reply {
  private constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: { json: unknown } | { stream: ReadableStream<Uint8Array> },
  ) {}

  static json(value: unknown, headers: Record<string, string> = {}, status = 200): Reply {
    return new Reply(status, headers, { json: value });
  }

  static stream(stream: ReadableStream<Uint8Array>, headers: Record<string, string>): Reply {
    return new Reply(200, { ...headers }, { stream });
  }

  toResponse(): Response {
    if ("stream" in this.body) return new Response(this.body.stream, { status: this.status, headers: this.headers });
    return Response.json(this.body.json, { status: this.status, headers: this.headers });
  }
}
