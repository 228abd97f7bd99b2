import { HubError, mayOpenOwnSockets, VERSION } from "@hfkit/http";
import { sleep } from "@hfkit/http/work";
import { type FileMetadata, resolvePath } from "../get-file-metadata.js";
import { socketGet } from "./socket-get.js";
import type { FileJob } from "./write-verified.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Files from this size on take the own socket. It opens a connection per file (`Connection:
 * close`), where undici keeps one to storage alive across files: a TCP and TLS handshake,
 * tens of milliseconds on a real network, against about 1.5 ms of CPU saved per MiB (README).
 */
export const OWN_SOCKET_MIN_BYTES = 16 << 20;

/**
 * Whether an LFS file's bytes may be read over hfkit's own socket (`socketGet`): a client on
 * the platform's network without a proxy (`mayOpenOwnSockets`), and a file of at least
 * `OWN_SOCKET_MIN_BYTES` stored as an LFS object, whose `/resolve` answers with a redirect to
 * storage on another origin. Xet files, regular git files and smaller files keep the client's path.
 */
export function fitsOwnSocket(job: FileJob, meta: FileMetadata): boolean {
  return meta.lfs && meta.size >= OWN_SOCKET_MIN_BYTES && mayOpenOwnSockets(job.client) !== undefined;
}

/**
 * Receives a file's bytes from `offset` over hfkit's own socket: the `/resolve` request goes
 * through the client (token, retries, typed errors) without following its redirect; the GET
 * of the storage URL it names, on another origin, over `socketGet` with no token. `take`
 * hashes the bytes and returns their write. A body that breaks off is resumed with `Range`,
 * as the client's path does (same attempts and pause). Returns the position reached: the
 * file's size, or, where the answer was one `socketGet` leaves alone (a redirect to the Hub's
 * own origin, an unusual status or framing, a connection that failed before the body), the
 * position from which the caller continues on the client's path.
 */
export async function receiveOverOwnSocket(
  job: FileJob,
  meta: FileMetadata,
  offset: number,
  take: (bytes: Buffer, at: number) => Promise<void>,
): Promise<number> {
  // The client's own signal (a CLI's Ctrl-C) stops the socket too, as it stops its requests.
  const clientSignal = mayOpenOwnSockets(job.client)?.signal;
  const signal =
    clientSignal && job.signal ? AbortSignal.any([job.signal, clientSignal]) : (job.signal ?? clientSignal);
  const maxResumes = job.maxResumes ?? 5;
  const path = resolvePath({ repo: job.repo, path: job.path, revision: meta.commit });
  let position = offset;
  let failures = 0;
  while (position < meta.size) {
    const url = await storageUrl(job, path);
    if (url === undefined) return position;
    const result = await socketGet({
      url,
      offset: position,
      expected: meta.size - position,
      userAgent: `hfkit/${VERSION}; node/${process.versions.node}`,
      signal,
      consume: (bytes) => {
        const at = position;
        position += bytes.byteLength;
        return take(bytes, at);
      },
    });
    signal?.throwIfAborted();
    if (result.fallback !== undefined) return position;
    if (result.error === undefined) break;
    if (++failures > maxResumes) {
      throw new HubError(
        `Download of ${path} broke off at byte ${position} of ${meta.size} ${failures} times ` +
          `(${String((result.error as Error)?.message ?? result.error)}).`,
        { code: "NETWORK_ERROR", retryable: true, cause: result.error },
      );
    }
    await sleep(job.resumeDelayMs ?? 1000, signal);
  }
  return position;
}

/**
 * The storage URL `/resolve` redirects to, when it is on another origin than the Hub's (so no
 * token is owed to it); `undefined` otherwise (the client's path then follows the redirect,
 * with the token where it belongs).
 */
async function storageUrl(job: FileJob, path: string): Promise<URL | undefined> {
  const { data, status, headers } = await job.client.request({
    path,
    headers: { "accept-encoding": "identity" },
    redirect: "manual",
    responseType: "stream",
    signal: job.signal,
    operation: "downloadFile",
  });
  // A redirect's body is empty; a file answered at once is read again on the client's path.
  await (data as ReadableStream<Uint8Array> | null)?.cancel().catch(() => {});
  const location = headers.get("location");
  if (!REDIRECTS.has(status) || !location) return undefined;
  const from = job.client.url(path);
  const next = URL.parse(location, from.href);
  if (next === null || (next.protocol !== "http:" && next.protocol !== "https:")) return undefined;
  if (next.origin === from.origin || next.username !== "" || next.password !== "") return undefined;
  return next;
}
