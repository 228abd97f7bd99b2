import { LightHeaders } from "./light-headers.js";

/**
 * A `Response` for answers the node:http transport received, that does not load the
 * platform's fetch (see light-headers.ts: ~40 ms of CPU on its first use in Node 20). Its
 * body is either the bytes read whole, or a byte source read as it arrives (a download);
 * the web `ReadableStream` is only made when `body` is asked for. It behaves as the
 * platform's `Response` for what the seam, middleware and callers use: status, headers,
 * url, one read of the body (`bodyUsed`, then a TypeError), `clone()`.
 */
export interface LightResponseInit {
  status: number;
  statusText?: string;
  headers: Headers;
  url: string;
}

type Source = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;

const utf8 = new TextDecoder();

export class LightResponse implements Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: string;
  readonly redirected = false;
  readonly type: Response["type"] = "default";
  #source: Source;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  #used = false;

  constructor(source: Source, init: LightResponseInit) {
    this.#source = source;
    this.status = init.status;
    this.statusText = init.statusText ?? "";
    this.headers = init.headers;
    this.url = init.url;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === undefined) {
      const source = this.#source;
      this.#source = null;
      if (source === null) this.#stream = null;
      else if (source instanceof Uint8Array) {
        this.#stream = new ReadableStream<Uint8Array>({
          start(controller) {
            if (source.byteLength > 0) controller.enqueue(source);
            controller.close();
          },
        });
      } else if (source instanceof ReadableStream) this.#stream = source as ReadableStream<Uint8Array>;
      else this.#stream = ReadableStream.from(source) as ReadableStream<Uint8Array>;
    }
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false);
  }

  /** The whole body, read once: from the held bytes when there are (no stream made), else from the stream. */
  async #read(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError("Response body has already been used.");
    this.#used = true;
    const source = this.#source;
    if (this.#stream === undefined && (source === null || source instanceof Uint8Array)) {
      this.#source = null;
      this.#stream = null;
      return source ?? new Uint8Array(0);
    }
    const stream = this.body;
    if (!stream) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    // Node-only (the node:http transport's answers), so Buffer's concat is at hand.
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#read();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    return utf8.decode(await this.#read());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    const bytes = await this.#read();
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: this.headers.get("content-type") ?? "" });
  }

  /** Rare (no Hub answer is a form): handed to the platform's Response, which parses forms. */
  async formData(): Promise<FormData> {
    const bytes = await this.#read();
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: this.status,
      headers: [...this.headers],
    }).formData();
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: the body has already been used.");
    const init = {
      status: this.status,
      statusText: this.statusText,
      headers: new LightHeaders(this.headers),
      url: this.url,
    };
    const source = this.#source;
    if (this.#stream === undefined && (source === null || source instanceof Uint8Array)) {
      return new LightResponse(source, init);
    }
    const [mine, theirs] = (this.body as ReadableStream<Uint8Array>).tee();
    this.#stream = mine;
    return new LightResponse(theirs, init);
  }
}
