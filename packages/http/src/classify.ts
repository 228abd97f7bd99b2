import {
  ConflictError,
  EntryNotFoundError,
  GatedRepoError,
  HubError,
  type HubErrorCode,
  type HubErrorDetails,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
  UnauthorizedError,
} from "./errors.js";
import { serverWaitMs } from "./rate-limit.js";
import { redactText } from "./redact.js";

const DISABLED_MESSAGE = /access to this resource is disabled/i;

/** Extracts the server's human message from a JSON or text error body. */
export function serverMessageFrom(headers: Headers, bodyText: string): string | undefined {
  const header = headers.get("x-error-message");
  if (header) return header;
  const text = bodyText.trim();
  if (text === "") return undefined;
  if ((headers.get("content-type") ?? "").includes("json") || text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const error = json.error;
      if (typeof error === "string") {
        return typeof json.error_description === "string" ? `${error}: ${json.error_description}` : error;
      }
      if (Array.isArray(error)) return error.map(String).join("; ");
      if (Array.isArray(json.errors)) {
        return json.errors
          .map((e) => (e && typeof e === "object" && "message" in e ? String(e.message) : String(e)))
          .join("; ");
      }
      if (typeof json.message === "string") return json.message;
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (/^\s*</.test(text)) return undefined; // an HTML error page says nothing useful
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** The request id to quote in bug reports: the Hub's, else the CDN's. */
export function requestIdFrom(headers: Headers): string | undefined {
  return (
    headers.get("x-request-id") ?? headers.get("x-amzn-trace-id") ?? headers.get("x-amz-cf-id") ?? undefined
  );
}

/** Codes a response can be classified as (bad input and unreadable answers are found by hfkit itself). */
type ResponseCode = Exclude<HubErrorCode, "INVALID_INPUT" | "INVALID_RESPONSE">;

function codeFrom(status: number, errorCode: string | null, message: string): ResponseCode {
  switch (errorCode) {
    case "RepoNotFound":
      return "REPO_NOT_FOUND";
    case "RevisionNotFound":
      return "REVISION_NOT_FOUND";
    case "EntryNotFound":
      return "ENTRY_NOT_FOUND";
    case "GatedRepo":
      return "GATED_REPO";
  }
  if (DISABLED_MESSAGE.test(message)) return "DISABLED_REPO";
  switch (status) {
    case 400:
    case 422:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      // No X-Error-Code: fall back to what the body says.
      if (/repo(sitory)? not found/i.test(message)) return "REPO_NOT_FOUND";
      if (/revision not found|invalid rev id/i.test(message)) return "REVISION_NOT_FOUND";
      if (/entry not found|file .*doesn't exist|no such file/i.test(message)) return "ENTRY_NOT_FOUND";
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 412:
      return "PRECONDITION_FAILED";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 416:
      return "RANGE_NOT_SATISFIABLE";
    case 429:
      return "RATE_LIMITED";
  }
  return status >= 500 ? "SERVER_ERROR" : "HTTP_ERROR";
}

const SUMMARY: Record<HubErrorCode, string> = {
  REPO_NOT_FOUND: "Repository not found",
  REVISION_NOT_FOUND: "Revision not found",
  ENTRY_NOT_FOUND: "File not found in the repo",
  NOT_FOUND: "Not found",
  GATED_REPO: "This repo is gated",
  DISABLED_REPO: "This repo is disabled",
  UNAUTHORIZED: "Unauthorized",
  FORBIDDEN: "Forbidden",
  RATE_LIMITED: "Rate limited by the Hub",
  CONFLICT: "Conflict",
  PRECONDITION_FAILED: "The branch moved since the given parent commit",
  BAD_REQUEST: "The Hub rejected the request",
  PAYLOAD_TOO_LARGE: "Request too large",
  RANGE_NOT_SATISFIABLE: "Requested range not satisfiable",
  SERVER_ERROR: "Hub server error",
  HTTP_ERROR: "HTTP error",
  NETWORK_ERROR: "Network error",
  INVALID_INPUT: "Invalid input",
  INVALID_RESPONSE: "Unexpected response from the Hub",
};

function hintFor(code: HubErrorCode, sentToken: boolean, waitMs: number | undefined): string | undefined {
  switch (code) {
    case "REPO_NOT_FOUND":
      return sentToken
        ? 'Check the repo id and its type (datasets are "datasets/owner/name"), and that this token can read it.'
        : 'Check the repo id and its type (datasets are "datasets/owner/name"); if the repo is private, set HF_TOKEN.';
    case "UNAUTHORIZED":
      return sentToken
        ? "The Hub rejected the token: check HF_TOKEN (or the token option) is a valid, unexpired token."
        : "No token was sent: set HF_TOKEN or pass a token (tokens start with hf_).";
    case "FORBIDDEN":
      return "The token lacks permission for this action: writes need a token with the write role.";
    case "GATED_REPO":
      return "Request access on the repo's page on the Hub, then use a token of the account that was granted access.";
    case "RATE_LIMITED":
      return waitMs !== undefined
        ? `Try again in ${Math.ceil(waitMs / 1000)}s.`
        : "Slow down and try again later.";
    case "PRECONDITION_FAILED":
      return "Fetch the branch's new head and retry on top of it.";
    default:
      return undefined;
  }
}

export interface ResponseErrorContext {
  method: string;
  /** Redacted request URL. */
  url: string;
  /** Whether an Authorization header went out with the request. */
  sentToken: boolean;
  /** Secrets to scrub from the server's message. */
  secrets: readonly (string | undefined)[];
  /**
   * The statuses the request's retry settings repeat (`RetryOptions.statuses`): `retryable` says
   * whether this status is one of them, so it follows the client's settings (ADR 0011).
   */
  retryStatuses: readonly number[];
}

/**
 * Turns an unsuccessful response into the right {@link HubError} subclass. Classification
 * uses `X-Error-Code` first, then the status, then the body's message.
 */
export function errorFromResponse(
  response: Response,
  bodyText: string,
  context: ResponseErrorContext,
): HubError {
  const { headers, status } = response;
  const rawMessage = serverMessageFrom(headers, bodyText);
  const serverMessage = rawMessage === undefined ? undefined : redactText(rawMessage, context.secrets);
  const code = codeFrom(status, headers.get("x-error-code"), serverMessage ?? "");
  const requestId = requestIdFrom(headers);
  const waitMs = status === 429 || status === 503 ? serverWaitMs(headers) : undefined;
  const hint = hintFor(code, context.sentToken, waitMs);
  // The Hub's messages often end without a stop: one keeps the hint a sentence of its own.
  // (Written for bytes: the browser budget page (ADR 0017) had 5 B of room, it has none left.)
  const parts = [
    `${SUMMARY[code]} (${status} on ${context.method} ${context.url})${serverMessage ? `: ${serverMessage}` : ""}`.replace(
      /[^.!?]$/,
      "$&.",
    ),
  ];
  if (hint) parts.push(hint);
  if (requestId) parts.push(`Request id: ${requestId}.`);
  const message = parts.join(" ");
  const options: Omit<HubErrorDetails, "code"> = {
    status,
    requestId,
    serverMessage,
    url: context.url,
    method: context.method,
    retryable: context.retryStatuses.includes(status),
  };
  switch (code) {
    case "REPO_NOT_FOUND":
      return new RepoNotFoundError(message, options);
    case "REVISION_NOT_FOUND":
      return new RevisionNotFoundError(message, options);
    case "ENTRY_NOT_FOUND":
      return new EntryNotFoundError(message, options);
    case "NOT_FOUND":
      return new NotFoundError(message, options);
    case "GATED_REPO":
      return new GatedRepoError(message, options);
    case "UNAUTHORIZED":
      return new UnauthorizedError(message, options);
    case "RATE_LIMITED":
      return new RateLimitedError(message, { ...options, retryAfterMs: waitMs });
    case "CONFLICT":
      return new ConflictError(message, options);
    case "PRECONDITION_FAILED":
      return new PreconditionFailedError(message, options);
    default:
      return new HubError(message, { ...options, code });
  }
}
