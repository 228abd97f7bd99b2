/**
 * Errors the emulator answers with. Every error response carries the three markers the
 * Hub uses (hub-protocol.md 2.1): `X-Error-Code`, `X-Error-Message` and a JSON `error`.
 * Codes the Hub is known to send (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`)
 * are used where they apply; the others are the emulator's own, named after the status.
 */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "EmulatorHttpError";
  }
}

export const badRequest = (message: string, code = "BadRequest") => new EmulatorHttpError(400, code, message);
export const unauthorized = (message = "Invalid credentials in Authorization header") =>
  new EmulatorHttpError(401, "Unauthorized", message);
export const forbidden = (message: string) => new EmulatorHttpError(403, "Forbidden", message);
export const notFound = (message: string, code = "NotFound") => new EmulatorHttpError(404, code, message);
/**
 * A repo that does not exist or that the caller may not see. Anonymous callers get 401, as
 * from the Hub ("401 is returned for private and gated repos if the user is not authenticated,
 * and for missing repos": huggingface_hub `utils/_http.py`, which maps it to
 * `RepositoryNotFoundError`; the JS client's `repoExists` treats 401 like 404).
 */
export const repoNotFound = (anonymous = false) =>
  // Exactly the Hub's words: huggingface_hub appends a server message to its own
  // "Repository Not Found for url: …" unless it already contains it (case-insensitively), and
  // its tests compare the whole text.
  new EmulatorHttpError(anonymous ? 401 : 404, "RepoNotFound", "Repository not found");
/**
 * The Hub's words: to anonymous callers huggingface_hub `errors.py`'s `GatedRepoError`
 * docstring; to a signed-in user without access the sentence huggingface_hub's own
 * `test_download_from_a_gated_repo_with_hf_hub_download` matches ("… is restricted and you
 * are not in the authorized list"), with the repo page to ask for access.
 */
export const gatedRepo = (type: string, id: string, anonymous: boolean, pageUrl: string) =>
  anonymous
    ? new EmulatorHttpError(
        401,
        "GatedRepo",
        `Access to ${type} ${id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      )
    : new EmulatorHttpError(
        403,
        "GatedRepo",
        `Access to ${type} ${id} is restricted and you are not in the authorized list. Visit ${pageUrl} to ask for access.`,
      );
export const revisionNotFound = (rev: string) =>
  new EmulatorHttpError(404, "RevisionNotFound", `Invalid rev id: ${rev}`);
export const entryNotFound = (path: string, headers: Record<string, string> = {}) =>
  new EmulatorHttpError(404, "EntryNotFound", `Entry not found: ${path}`, {}, headers);
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new EmulatorHttpError(409, "Conflict", message, extra);

/** Header values must be ByteStrings; keep messages readable but ASCII-safe. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 1000);
}

export function errorResponse(error: EmulatorHttpError): Response {
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("x-error-code", error.code);
  headers.set("x-error-message", headerSafe(error.message));
  return new Response(JSON.stringify({ error: error.message, ...error.extra }), {
    status: error.status,
    headers,
  });
}
