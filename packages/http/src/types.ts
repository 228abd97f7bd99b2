import type { ZodType } from "zod";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

/**
 * Bytes to send. A function is called once per attempt, so a request whose body is a
 * function returning a fresh stream can be retried; a bare stream cannot.
 */
export type BinarySource =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | string
  | (() => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>);

/** NDJSON lines. Arrays and functions can be replayed; a bare iterator is sent once. */
export type NdjsonSource =
  | readonly unknown[]
  | Iterable<unknown>
  | AsyncIterable<unknown>
  | (() => Iterable<unknown> | AsyncIterable<unknown>);

/** Bytes `[start, end)` of a file on disk (default: all of it). Read in chunks, re-read on retry. */
export interface FileBody {
  file: string;
  start?: number;
  /** Exclusive. Default: the file's size. */
  end?: number;
  contentType?: string;
}

export type RequestBody =
  | { json: unknown }
  | { ndjson: NdjsonSource }
  | { form: URLSearchParams | Record<string, string | readonly string[]> }
  | { binary: BinarySource; contentType?: string; contentLength?: number }
  | FileBody;

/**
 * How to read a successful response:
 * - `json` (default): parse, then validate with the request's `schema` (required);
 * - `text`, `bytes`: the whole body;
 * - `stream`: the body as a web stream (the caller must consume or cancel it);
 * - `response`: the raw `Response`, body untouched;
 * - `none`: discard the body.
 */
export type ResponseType = "json" | RawResponseType;

/** The response types read without a schema. */
export type RawResponseType = "text" | "bytes" | "stream" | "response" | "none";

/** What `data` holds for each raw response type. */
export interface RawResponseData {
  text: string;
  bytes: Uint8Array;
  /** Null when the response has no body (HEAD, 204, 304). */
  stream: ReadableStream<Uint8Array> | null;
  response: Response;
  none: undefined;
}

export interface RetryOptions {
  /** Total attempts, the first included. Default 5. */
  maxAttempts: number;
  /** First backoff delay. Default 1000 ms, doubling each attempt. */
  initialDelayMs: number;
  /** Cap on one backoff delay. Default 8000 ms. */
  maxDelayMs: number;
  /** A server asking for a longer wait than this fails at once instead. Default 60 s. */
  maxServerWaitMs: number;
  /** Statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statuses: readonly number[];
  /** Source of randomness for jitter, in [0, 1). Tests inject a fixed one. */
  random: () => number;
}

/** What every request describes, whatever it reads back. */
export interface HubRequestOptions {
  method?: HttpMethod;
  /** Path on the Hub endpoint, starting with `/`. Encode dynamic parts (see `repoApiPath`, `encodeRevision`). */
  path?: string;
  /** An absolute URL instead of `path` (a presigned upload URL, the next page). */
  url?: string | URL;
  /** Query parameters; arrays repeat the key, `undefined`/`null` are dropped. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string | undefined>;
  body?: RequestBody;
  signal?: AbortSignal | undefined;
  /**
   * Safe to repeat? GET and HEAD are; mark others (preupload, LFS batch, part uploads) explicitly.
   * A commit POST must never be marked.
   */
  idempotent?: boolean;
  /** `follow` (default) follows redirects itself, dropping `Authorization` when leaving the Hub origin. */
  redirect?: "follow" | "manual";
  /** Statuses returned as results instead of thrown (e.g. `[404]` for existence checks). */
  okStatuses?: readonly number[];
  /** Per-request retry settings, or `false` to send once. */
  retry?: Partial<RetryOptions> | false;
  /**
   * A bulk transfer (LFS object or part). When the client uses the platform's own fetch, such
   * requests go through `undici.request`, about twice as fast for large bodies (see ADR 0002).
   */
  bulk?: boolean;
  /**
   * `false` never adds the client's token, even on the Hub's own origin. For URLs that carry
   * their own signature there, such as the LFS multipart completion URL, which neither
   * official client authenticates and which a strict server refuses with a token. Default true.
   */
  auth?: boolean;
  /** Name of the operation, for diagnostics (`createRepo`, `lfsBatch`…). */
  operation?: string;
  /**
   * Credentials of this request other than the client's token (a Xet CAS token in its
   * `authorization` header): redacted, like the token, from errors, URLs and diagnostics.
   */
  secrets?: readonly string[];
  /** Called as the body goes out, with the bytes sent so far in this attempt. */
  onUploadProgress?: (bytesSent: number) => void;
}

/** A request whose JSON answer is parsed with `schema` (lenient: unknown keys pass). */
export interface JsonRequest<T> extends HubRequestOptions {
  responseType?: "json";
  /** Required: a JSON answer is only ever used after validation (`z.unknown()` to opt out knowingly). */
  schema: ZodType<T>;
}

/** A request whose answer is read as text, bytes, a stream, the raw response, or discarded. */
export interface RawRequest<R extends RawResponseType = RawResponseType> extends HubRequestOptions {
  responseType: R;
  schema?: never;
}

/**
 * One request, described; the client's seam adds the endpoint, auth, retries and errors. The
 * type of the answer's `data` follows `responseType` (and `schema` for JSON).
 */
export type HubRequest<T = unknown> = JsonRequest<T> | RawRequest;

export interface HubResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  /** The final URL (after redirects), redacted of credentials. */
  url: string;
  requestId: string | undefined;
}

/** A body as the transports take it. */
export type BodyPayload =
  | string
  | Uint8Array
  | Blob
  | URLSearchParams
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** A request after the seam has resolved the URL, headers and body. What middleware sees. */
export interface PreparedRequest {
  method: HttpMethod;
  url: URL;
  headers: Headers;
  /** Creates the body for one attempt, or null when there is none. */
  body: (() => BodyPayload) | null;
  /** Whether `body` can be created more than once. */
  replayable: boolean;
  /** Byte length of the body when known (sent as `Content-Length`). */
  contentLength: number | undefined;
  idempotent: boolean;
  redirect: "follow" | "manual";
  signal: AbortSignal | undefined;
  retry: RetryOptions | false;
  bulk: boolean;
  /** The file range, for a `{ file }` body: the bulk transport reads it with reused buffers. */
  file: { path: string; start: number; end: number } | undefined;
  onUploadProgress: ((bytesSent: number) => void) | undefined;
  /** Whether the auth middleware may add the token (it still only does on the Hub's origin). */
  auth: boolean;
  operation: string | undefined;
  /** Values redacted from what this request's errors and diagnostics show (besides the token). */
  secrets: readonly string[];
  /**
   * How the answer will be read: a transport may buffer a `json` or `text` answer (the Node
   * build reads small idempotent calls through node:http), never a `stream` or `response`.
   */
  responseType: ResponseType;
}

export interface MiddlewareContext {
  request: PreparedRequest;
  /** 1 for the first attempt. */
  attempt: number;
  /** The endpoint's origin: the only origin that receives the token. */
  hubOrigin: string;
  /** Local id of this call, shared by all its attempts (diagnostics events carry it). */
  callId: number;
}

export type Next = (context: MiddlewareContext) => Promise<Response>;

/**
 * Hooks the request lifecycle. Built-ins run in a fixed order (user-agent, auth, retry,
 * diagnostics); middleware given in `createHubClient({ middleware })` runs after them,
 * closest to the network, once per attempt.
 */
export type Middleware = (context: MiddlewareContext, next: Next) => Promise<Response>;
