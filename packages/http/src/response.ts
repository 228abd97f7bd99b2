import { bufferedBodies } from "./buffered-body.js";
import { errorFromResponse, requestIdFrom } from "./classify.js";
import { discardBody } from "./discard.js";
import { InvalidResponseError } from "./errors.js";
import { DEFAULT_RETRY } from "./middleware/retry.js";
import { redactUrl } from "./redact.js";
import type { HubRequest, PreparedRequest } from "./types.js";

type Secrets = readonly (string | undefined)[];

/**
 * Throws the right `HubError` when `response` is not a success for this request: 2xx, a
 * 3xx the caller asked to see (`redirect: "manual"`), or a status listed in `okStatuses`.
 */
export async function checkResponse(
  response: Response,
  prepared: PreparedRequest,
  okStatuses: readonly number[] | undefined,
  secrets: Secrets,
): Promise<void> {
  const { status } = response;
  const ok =
    (status >= 200 && status < 300) ||
    (prepared.redirect === "manual" && status >= 300 && status < 400) ||
    (okStatuses?.includes(status) ?? false);
  if (ok) return;
  const bodyText = prepared.method === "HEAD" ? "" : await response.text().catch(() => "");
  throw errorFromResponse(response, bodyText, {
    method: prepared.method,
    url: redactUrl(prepared.url, secrets),
    sentToken: prepared.headers.has("authorization"),
    secrets,
    // One list of retryable statuses: the request's retry settings, else the default ones.
    retryStatuses: prepared.retry === false ? DEFAULT_RETRY.statuses : prepared.retry.statuses,
  });
}

function unexpected(response: Response, url: URL, secrets: Secrets, detail: string, cause?: unknown) {
  const where = redactUrl(url, secrets);
  return new InvalidResponseError(
    `Unexpected response from the Hub (${response.status} on ${where}): ${detail}.`,
    {
      status: response.status,
      url: where,
      requestId: requestIdFrom(response.headers),
      cause,
    },
  );
}

const utf8 = new TextDecoder();

/** The body as text: decoded from the transport's buffer when it holds one (no trip through the Response's stream). */
function textOf(response: Response): Promise<string> {
  const held = bufferedBodies.get(response);
  if (held && !response.bodyUsed) return Promise.resolve(utf8.decode(held));
  return response.text();
}

export interface ReadOptions {
  /** The answer must be a JSON array (a page of a list), checked before the schema. */
  list?: boolean;
}

/**
 * Reads a successful response as the request's `responseType` says. JSON is parsed, then
 * validated with the request's schema; an unreadable or mismatching body is an
 * `InvalidResponseError` naming the first issues.
 */
export async function readResponse(
  request: HubRequest<unknown>,
  response: Response,
  url: URL,
  secrets: Secrets,
  options: ReadOptions = {},
): Promise<unknown> {
  switch (request.responseType ?? "json") {
    case "response":
      return response;
    case "stream":
      return response.body;
    case "none":
      discardBody(response);
      return undefined;
    case "text":
      return textOf(response);
    case "bytes": {
      const held = bufferedBodies.get(response);
      if (held && !response.bodyUsed) return held;
      return new Uint8Array(await response.arrayBuffer());
    }
  }
  const text = request.method === "HEAD" ? "" : await textOf(response);
  let json: unknown = null;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw unexpected(response, url, secrets, "not JSON", cause);
    }
  }
  if (options.list && !Array.isArray(json)) {
    throw unexpected(response, url, secrets, "expected a JSON array (a page of a list)");
  }
  if (!request.schema) return json;
  const parsed = request.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  throw unexpected(response, url, secrets, issues, parsed.error);
}
