import { prepareBody, withProgress } from "./body.js";
import { InvalidInputError } from "./errors.js";
import { HeaderList } from "./platform.js";
import type { HttpMethod, HubRequest, PreparedRequest, QueryValue, RetryOptions } from "./types.js";

const METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);

/** `https://hub.example/` → `https://hub.example`; anything but an http(s) URL is refused. */
export function normaliseEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidInputError(`endpoint: "${endpoint}" is not a URL; use e.g. "https://huggingface.co".`, {
      field: "endpoint",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`endpoint: "${endpoint}" must start with http:// or https://.`, {
      field: "endpoint",
    });
  }
  return url.toString().replace(/\/+$/, "");
}

/** Adds query parameters: arrays repeat the key, `undefined` and `null` are left out. */
export function appendQuery(url: URL, query: Record<string, QueryValue> | undefined): void {
  if (!query) return;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
}

/** One signal that aborts when either does (the request's own, or the client's). */
export function eitherSignal(
  first: AbortSignal | undefined,
  second: AbortSignal | undefined,
): AbortSignal | undefined {
  if (!first || !second) return first ?? second;
  return AbortSignal.any([first, second]);
}

/** A copy of a request's headers, of the same class (the Node build's own, or the web's). */
export function copyHeaders(headers: Headers): Headers {
  return new HeaderList(headers);
}

/** What the client contributes to every request it prepares. */
export interface PrepareSettings {
  /** The normalised endpoint: where a `path` is resolved. */
  endpoint: string;
  /** The client's retry settings (`false`: never retry). */
  retry: RetryOptions | false;
  /** The client's signal: aborting it aborts every request (a CLI's Ctrl-C). */
  signal: AbortSignal | undefined;
}

/**
 * Turns a described request into what middleware and transports see: the absolute URL, the
 * headers, a body factory per attempt, the retry settings and the signal. Bad input (an
 * unknown method, a relative path, an unreadable file) is refused here, before any I/O.
 */
export function prepareRequest(request: HubRequest<unknown>, settings: PrepareSettings): PreparedRequest {
  const method = (request.method ?? "GET").toUpperCase() as HttpMethod;
  if (!METHODS.has(method)) {
    throw new InvalidInputError(`method: "${request.method}" is not an HTTP method hfkit sends.`, {
      field: "method",
    });
  }
  let url: URL;
  if (request.url !== undefined) {
    url = new URL(String(request.url));
  } else if (request.path?.startsWith("/")) {
    url = new URL(settings.endpoint + request.path);
  } else {
    throw new InvalidInputError('path: a request needs a path starting with "/" or an absolute url.', {
      field: "path",
    });
  }
  appendQuery(url, request.query);
  const given = Object.entries(request.headers ?? {}).filter(
    (pair): pair is [string, string] => pair[1] !== undefined,
  );
  const headers = new HeaderList(given);
  const responseType = request.responseType ?? "json";
  if (responseType === "json" && !headers.has("accept")) headers.set("accept", "application/json");
  const body = request.body ? prepareBody(request.body) : undefined;
  if (body?.contentType && !headers.has("content-type")) headers.set("content-type", body.contentType);
  const retry =
    request.retry === false || settings.retry === false ? false : { ...settings.retry, ...request.retry };
  return {
    method,
    url,
    headers,
    body: body
      ? request.onUploadProgress
        ? withProgress(body.create, request.onUploadProgress)
        : body.create
      : null,
    replayable: body ? body.replayable : true,
    contentLength: body?.contentLength,
    idempotent: request.idempotent ?? (method === "GET" || method === "HEAD"),
    redirect: request.redirect ?? "follow",
    signal: eitherSignal(request.signal, settings.signal),
    retry,
    bulk: request.bulk ?? false,
    file: body?.file,
    onUploadProgress: request.onUploadProgress,
    auth: request.auth ?? true,
    secrets: request.secrets ?? [],
    operation: request.operation,
    responseType,
  };
}
