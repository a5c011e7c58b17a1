/**
 * A body the hub produces piece by piece (a relayed stream). The hub's HTTP server writes each piece to
 * the socket as it comes, without a web stream in between; a web Response reads it as a ReadableStream.
 */
export interface FrameSource {
  /** the next piece of the body; null once it has ended */
  next(): Promise<string | null>;
  /** the client is gone: nothing more is read (the source decides what that means for the call) */
  cancel(): Promise<void>;
}

const utf8 = new TextEncoder();

/** The same pieces as a web stream, for transports that take one (Next's route handlers, tests). */
export function framesAsStream(source: FrameSource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const text = await source.next();
      if (text === null) controller.close();
      else controller.enqueue(utf8.encode(text));
    },
    cancel: () => source.cancel(),
  });
}
/**
 * An answer of the hub's API before a transport writes it: the hub's HTTP server (node-front.ts)
 * writes it to Node's response, Next's route handlers (withApiKey) turn it into a web Response.
 */
export class Reply {
  private constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: { json: unknown } | { text: string } | { stream: ReadableStream<Uint8Array> } | { frames: FrameSource },
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

  static frames(frames: FrameSource, headers: Record<string, string>): Reply {
    return new Reply(200, { ...headers }, { frames });
  }

  toResponse(): Response {
    if ("json" in this.body) return Response.json(this.body.json, { status: this.status, headers: this.headers });
    const body = "text" in this.body ? this.body.text : "frames" in this.body ? framesAsStream(this.body.frames) : this.body.stream;
    return new Response(body, { status: this.status, headers: this.headers });
  }
}
