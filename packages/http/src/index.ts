export { createHubClient, type HubClient, type HubClientOptions } from "./client.js";
export {
  DETAIL_BODY_LIMIT,
  HTTP_CHANNELS,
  type RequestDetailEvent,
  type RequestEndEvent,
  type RequestErrorEvent,
  type RequestRetryEvent,
  type RequestStartEvent,
} from "./diagnostics.js";
export { cleanToken, DEFAULT_ENDPOINT, type HubEnvironment, readHubEnvironment } from "./env.js";
export {
  type ClassifiedCode,
  ConflictError,
  EntryNotFoundError,
  GatedRepoError,
  HubError,
  type HubErrorCode,
  type HubErrorDetails,
  type HubErrorOptions,
  InvalidInputError,
  InvalidResponseError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
  UnauthorizedError,
} from "./errors.js";
export { fileReadSize } from "./file-reads.js";
export { DEFAULT_RETRY } from "./middleware/retry.js";
export { nodeOnlyError } from "./node-only.js";
export { mayOpenOwnSockets } from "./own-sockets.js";
export { type ItemMap, pageItems } from "./page-items.js";
export type { PageOptions } from "./paginate.js";
export { checkPathInRepo, pathInRepoProblem } from "./path-in-repo.js";
export {
  base64Of,
  createStreamingHash,
  type Publisher,
  publisher as diagnosticsPublisher,
  type StreamingHash,
} from "./platform.js";
export { redactJson, redactText, redactUrl } from "./redact.js";
export {
  encodePathInRepo,
  encodeRevision,
  formatRepoId,
  isCommitId,
  parseRepoId,
  type RepoDesignation,
  type RepoId,
  type RepoType,
  repoApiPath,
  repoTypePlural,
  repoWebPath,
} from "./repo-id.js";
export { checkRevision, revisionProblem } from "./revision.js";
export type { TokenOrigin, TokenProvider } from "./token.js";
export type { FetchLike } from "./transport.js";
export type {
  BinarySource,
  BodyPayload,
  HttpMethod,
  HubRequest,
  HubRequestOptions,
  HubResponse,
  JsonRequest,
  Middleware,
  MiddlewareContext,
  NdjsonSource,
  Next,
  PreparedRequest,
  QueryValue,
  RawRequest,
  RawResponseData,
  RawResponseType,
  RequestBody,
  ResponseType,
  RetryOptions,
} from "./types.js";
export { VERSION } from "./version.js";
