/**
 * The web `Headers` and a read-whole `Response`, on plain objects, for the Node build. The
 * platform's own are the first use of Node's bundled undici: the first `new Headers()` loads
 * all of fetch (llhttp, web streams glue, Response), about 40 ms of CPU on a quiet machine and
 * the largest fixed cost of a 32 MiB LFS upload once its requests all went over node:http
 * (profiled with `node --cpu-prof` on tooling/bench/client-once.mjs). Behaviour follows the
 * Fetch standard where hfkit relies on it: names compared without case, values trimmed and
 * refused with CR, LF or NUL, `append` joins with ", ", iteration sorted by name.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[\r\n\0]/;

function checkedName(name: string): string {
  const key = String(name);
  if (!TOKEN.test(key)) throw new TypeError(`Headers: "${key}" is not a valid header name.`);
  return key.toLowerCase();
}

function checkedValue(value: string): string {
  const text = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  if (INVALID_VALUE.test(text)) throw new TypeError("Headers: a header value may not hold CR, LF or NUL.");
  return text;
}

type Init = ConstructorParameters<typeof Headers>[0];
type Pairs = ReturnType<Headers["entries"]>;

export class LightHeaders implements Headers {
  readonly #map = new Map<string, string>();
  readonly #cookies: string[] = [];

  constructor(init?: Init) {
    if (init === undefined || init === null) return;
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<readonly string[]>) {
        if (pair.length !== 2) throw new TypeError("Headers: each pair needs a name and a value.");
        this.append(pair[0]!, pair[1]!);
      }
    } else
      for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = checkedName(name);
    const text = checkedValue(value);
    if (key === "set-cookie") this.#cookies.push(text);
    const held = this.#map.get(key);
    this.#map.set(key, held === undefined ? text : `${held}, ${text}`);
  }

  set(name: string, value: string): void {
    const key = checkedName(name);
    const text = checkedValue(value);
    if (key === "set-cookie") this.#cookies.splice(0, this.#cookies.length, text);
    this.#map.set(key, text);
  }

  delete(name: string): void {
    const key = checkedName(name);
    if (key === "set-cookie") this.#cookies.length = 0;
    this.#map.delete(key);
  }

  get(name: string): string | null {
    return this.#map.get(checkedName(name)) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(checkedName(name));
  }

  getSetCookie(): string[] {
    return [...this.#cookies];
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#pairs()) callback.call(thisArg, value, key, this);
  }

  *#pairs(): Generator<[string, string]> {
    for (const key of [...this.#map.keys()].sort()) {
      if (key === "set-cookie") for (const cookie of this.#cookies) yield [key, cookie];
      else yield [key, this.#map.get(key)!];
    }
  }

  entries(): Pairs {
    return this.#pairs() as unknown as Pairs;
  }

  keys(): ReturnType<Headers["keys"]> {
    return [...this.#pairs()].map(([key]) => key).values() as unknown as ReturnType<Headers["keys"]>;
  }

  values(): ReturnType<Headers["values"]> {
    return [...this.#pairs()].map(([, value]) => value).values() as unknown as ReturnType<Headers["values"]>;
  }

  [Symbol.iterator](): Pairs {
    return this.#pairs() as unknown as Pairs;
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}

/**
 * A `Response` whose body node:http has already read whole: status, headers and the bytes,
 * without the platform's Response (see above). Reading it twice fails as a Response does; what
 * needs the real one (`formData`, a caller's `responseType: "response"`) gets one built from it
 * (`toWebResponse`).
 */
export class BufferedResponse implements Response {
  readonly type = "default" as const;
  readonly redirected = false;
  readonly ok: boolean;
  #used = false;
  #stream: ReadableStream<Uint8Array> | null | undefined;

  constructor(
    readonly bytes_: Uint8Array | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream !== undefined) return this.#stream;
    const bytes = this.bytes_;
    this.#stream =
      bytes === null
        ? null
        : new ReadableStream<Uint8Array>(
            {
              pull: (controller) => {
                this.#used = true;
                if (bytes.byteLength > 0) controller.enqueue(bytes.slice());
                controller.close();
              },
            },
            // Pulled on the first read only: asking for `body` (is there one?) reads nothing.
            { highWaterMark: 0 },
          );
    return this.#stream;
  }

  #take(): Uint8Array {
    if (this.#used || this.#stream?.locked)
      throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.bytes_ ?? new Uint8Array(0);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    const type = this.headers.get("content-type") ?? "";
    return new Blob([this.#take()], type ? { type } : {});
  }

  formData(): Promise<FormData> {
    return toWebResponse(this).formData();
  }

  clone(): Response {
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.bytes_, this.status, this.statusText, this.headers, this.url);
  }
}

/** The platform's Response for one of ours (a caller asked for the Response itself). */
export function toWebResponse(response: Response): Response {
  if (!(response instanceof BufferedResponse)) return response;
  const real = new Response(response.bytes_, {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
  });
  Object.defineProperty(real, "url", { value: response.url });
  return real;
}
