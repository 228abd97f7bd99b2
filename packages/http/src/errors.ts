/**
 * The closed set of error codes. Callers branch on `code` (stable strings) or on the
 * subclasses below; messages are for humans and may change.
 */
export type HubErrorCode =
  | "REPO_NOT_FOUND"
  | "REVISION_NOT_FOUND"
  | "ENTRY_NOT_FOUND"
  | "NOT_FOUND"
  | "GATED_REPO"
  | "DISABLED_REPO"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "RANGE_NOT_SATISFIABLE"
  | "SERVER_ERROR"
  | "HTTP_ERROR"
  | "NETWORK_ERROR"
  | "INVALID_INPUT"
  | "INVALID_RESPONSE";

/** What an error carries besides its message and code. */
export interface HubErrorDetails {
  status?: number | undefined;
  requestId?: string | undefined;
  serverMessage?: string | undefined;
  /** The request URL, already redacted. */
  url?: string | undefined;
  method?: string | undefined;
  retryable?: boolean | undefined;
  cause?: unknown;
  /** A subclass fixes its own code (ADR 0011): passing one is a type error. */
  code?: never;
}

/** Codes that have a subclass of their own: only that subclass carries them. */
export type ClassifiedCode =
  | "REPO_NOT_FOUND"
  | "REVISION_NOT_FOUND"
  | "ENTRY_NOT_FOUND"
  | "NOT_FOUND"
  | "GATED_REPO"
  | "UNAUTHORIZED"
  | "RATE_LIMITED"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "INVALID_INPUT"
  | "INVALID_RESPONSE";

/** Options of a plain `HubError`: one of the codes no subclass stands for. */
export interface HubErrorOptions extends Omit<HubErrorDetails, "code"> {
  code: Exclude<HubErrorCode, ClassifiedCode>;
}

const BRAND_PREFIX = "hfkit.error.";

function brand(name: string): symbol {
  return Symbol.for(BRAND_PREFIX + name);
}

/**
 * Base class of every error hfkit throws on purpose. `isInstance` checks a brand registered
 * with `Symbol.for`, so it works across duplicate installs of the package where `instanceof`
 * would not.
 */
export class HubError extends Error {
  static readonly errorName: string = "HubError";
  /** The code every instance of a subclass carries; `HubError` itself takes it from its options. */
  static readonly errorCode: HubErrorCode | undefined = undefined;
  override readonly name: string;
  readonly code: HubErrorCode;
  /** HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** The Hub's request id (`X-Request-Id`), to quote when reporting a problem. */
  readonly requestId: string | undefined;
  /** What the server said (`X-Error-Message` or the JSON `error`), redacted. */
  readonly serverMessage: string | undefined;
  /** The request URL with credentials removed. */
  readonly url: string | undefined;
  readonly method: string | undefined;
  /** Whether repeating the same request later may succeed. */
  readonly retryable: boolean;

  constructor(message: string, options: HubErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { errorName: string; errorCode: HubErrorCode | undefined };
    this.name = ctor.errorName;
    this.code = ctor.errorCode ?? options.code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.serverMessage = options.serverMessage;
    this.url = options.url;
    this.method = options.method;
    this.retryable = options.retryable ?? false;
    // Brand the instance with every class in its chain, so `RepoNotFoundError.isInstance`
    // and `NotFoundError.isInstance` and `HubError.isInstance` all hold.
    for (let proto = new.target as unknown as { errorName?: string } | null; proto?.errorName; ) {
      Object.defineProperty(this, brand(proto.errorName), { value: true, enumerable: false });
      proto = Object.getPrototypeOf(proto) as { errorName?: string } | null;
    }
  }

  /** True when `error` is this class (or a subclass), even from another copy of the package. */
  static isInstance<T extends HubError>(
    this: { readonly errorName: string; readonly prototype: T },
    error: unknown,
  ): error is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check is called on.
    const mark = brand(this.errorName);
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[mark] === true;
  }
}

/**
 * The base of the subclasses: each names its code once, as `errorCode`, and is built without
 * one (`new ConflictError(message, { status })`), so no call site can restate or contradict it.
 */
class ClassifiedError extends HubError {
  constructor(message: string, details: HubErrorDetails = {}) {
    // The code given here is replaced by the class's own `errorCode` in HubError's constructor.
    super(message, { ...details, code: "HTTP_ERROR" });
  }
}

/** A repo, revision or file that does not exist (or that the token cannot see). */
export class NotFoundError extends ClassifiedError {
  static override readonly errorName: string = "NotFoundError";
  static override readonly errorCode: HubErrorCode = "NOT_FOUND";
}
export class RepoNotFoundError extends NotFoundError {
  static override readonly errorName: string = "RepoNotFoundError";
  static override readonly errorCode: HubErrorCode = "REPO_NOT_FOUND";
}
export class RevisionNotFoundError extends NotFoundError {
  static override readonly errorName: string = "RevisionNotFoundError";
  static override readonly errorCode: HubErrorCode = "REVISION_NOT_FOUND";
}
export class EntryNotFoundError extends NotFoundError {
  static override readonly errorName: string = "EntryNotFoundError";
  static override readonly errorCode: HubErrorCode = "ENTRY_NOT_FOUND";
}
/** The repo is gated and this account has not been granted access. */
export class GatedRepoError extends ClassifiedError {
  static override readonly errorName: string = "GatedRepoError";
  static override readonly errorCode: HubErrorCode = "GATED_REPO";
}
/** The Hub rejected the credentials, or sent 401 because a token is needed. */
export class UnauthorizedError extends ClassifiedError {
  static override readonly errorName: string = "UnauthorizedError";
  static override readonly errorCode: HubErrorCode = "UNAUTHORIZED";
}
/** 429: too many requests. `retryAfterMs` says when to try again, when the Hub said so. */
export class RateLimitedError extends ClassifiedError {
  static override readonly errorName: string = "RateLimitedError";
  static override readonly errorCode: HubErrorCode = "RATE_LIMITED";
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: HubErrorDetails & { retryAfterMs?: number | undefined } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}
/** 409: the thing exists already, or another operation is in progress. */
export class ConflictError extends ClassifiedError {
  static override readonly errorName: string = "ConflictError";
  static override readonly errorCode: HubErrorCode = "CONFLICT";
}
/** 412: the branch moved since the `parentCommit` the caller built on. */
export class PreconditionFailedError extends ClassifiedError {
  static override readonly errorName: string = "PreconditionFailedError";
  static override readonly errorCode: HubErrorCode = "PRECONDITION_FAILED";
}
/** Bad input caught before any I/O. `field` names the option to fix. */
export class InvalidInputError extends ClassifiedError {
  static override readonly errorName: string = "InvalidInputError";
  static override readonly errorCode: HubErrorCode = "INVALID_INPUT";
  readonly field: string | undefined;
  constructor(message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.field = options.field;
  }
}
/** The server answered with something hfkit cannot understand (wrong shape, bad JSON, failed checks). */
export class InvalidResponseError extends ClassifiedError {
  static override readonly errorName: string = "InvalidResponseError";
  static override readonly errorCode: HubErrorCode = "INVALID_RESPONSE";
}
