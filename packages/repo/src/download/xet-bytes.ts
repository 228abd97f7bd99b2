// Xet reconstruction reads, in a module of their own so the browser build can leave Xet out
// (xet-bytes.browser.ts, ADR 0017). @hfkit/xet (and the zod schemas and WebAssembly loaders it
// brings) is imported by the first Xet read, not with @hfkit/repo: `repo info`, listings and
// downloads through /resolve never need it (packages/repo/README.md, "Import cost").
import { type HubClient, HubError, mayOpenOwnSockets, VERSION } from "@hfkit/http";
import type { ReadXetFileOptions, XorbRangeReceiver } from "@hfkit/xet";
import type { contentBytes } from "./content-bytes.js";
import { socketGet } from "./socket-get.js";
import { namesBySha256 } from "./verify.js";

/**
 * Xorb ranges from this size on take hfkit's own socket. Each opens a connection (`Connection:
 * close`) where the client keeps one alive: a TCP and TLS handshake, tens of milliseconds on a
 * real network but in parallel with the other fetches, against ~3 ms of CPU saved per MiB on
 * the dev VM (three fresh buffers per byte through node:http, one here; packages/repo/README.md).
 * Xet's xorbs are up to 64 MiB, so a large file's ranges are mostly above it. 3 MiB, not 4:
 * an hfkit upload's first xorb is closed before 4 MiB of chunks (@hfkit/xet's
 * FIRST_XORB_TARGET), so its range fell just below 4 MiB and through node:http (~14 ms of a
 * fresh process's 32 MiB download; issue 19).
 */
export const OWN_SOCKET_MIN_RANGE = 3 << 20;

/**
 * `@hfkit/xet`'s `readXetFile`, with xorb ranges of `OWN_SOCKET_MIN_RANGE` bytes or more
 * received over hfkit's own socket (`overOwnSocket`).
 */
export async function* readXetFile(
  client: HubClient,
  options: ReadXetFileOptions,
): AsyncGenerator<Uint8Array> {
  const { readXetFile: readXet } = await import("@hfkit/xet");
  yield* readXet(client, overOwnSocket(client, options));
}

/**
 * `options` with xorb ranges of `OWN_SOCKET_MIN_RANGE` bytes or more received over hfkit's
 * own socket (`socketGet`, reads into two reused buffers) when the client may open one
 * (`mayOpenOwnSockets`: the platform's network, no proxy, no `fetch` given). The URLs are
 * signed: no token goes on that socket, as none goes with the client's request.
 */
function overOwnSocket(client: HubClient, options: ReadXetFileOptions): ReadXetFileOptions {
  const own = mayOpenOwnSockets(client);
  if (!own || options.receiveRange) return options;
  const receiveRange: XorbRangeReceiver = async ({ url, start, end, signal, take, lend }) => {
    const target = URL.parse(url);
    if (end - start + 1 < OWN_SOCKET_MIN_RANGE) return { received: 0, fallback: "a small range" };
    if (target === null || (target.protocol !== "http:" && target.protocol !== "https:"))
      return { received: 0, fallback: "not an http(s) URL" };
    if (target.username !== "" || target.password !== "")
      return { received: 0, fallback: "credentials in the URL" };
    // The client's own signal (a CLI's Ctrl-C) stops the socket too, as it stops its requests.
    const stop = signal && own.signal ? AbortSignal.any([signal, own.signal]) : (signal ?? own.signal);
    return socketGet({
      url: target,
      offset: start,
      expected: end - start + 1,
      closedRange: true,
      userAgent: `hfkit/${VERSION}; node/${process.versions.node}`,
      signal: stop,
      // socketGet reads into a buffer again only once `consume` settles: `lend` may hand its
      // stored chunks to the reader as views of it, the promise settling once they are read.
      consume: async (bytes) => (lend ? lend(bytes) : take(bytes)),
    });
  };
  return { ...options, receiveRange };
}

/**
 * A Xet-stored file's bytes from `offset` on, for `contentBytes`. A whole file is checked
 * against its Xet hash while it is read (`readXetFile`'s `verify`: the keyed-BLAKE3 chunk
 * hashes' Merkle root, a fraction of a SHA-256's CPU), and `verifier` counts its bytes without
 * hashing them, from the first byte on (before it, the plain download may still take over and
 * is hashed). The SHA-256 stays when the caller asks for it (`verifySha256`), on a resumed read
 * (a range: the chunks before it were not read, so their hashes are unknown), and when the
 * ETag is not a SHA-256 (then the SHA-256 of the bytes names the blob). ADR 0022.
 */
export async function* xetBytes(
  ...[job, meta, offset, lendChunks, verifier, plain]: [
    ...Parameters<typeof contentBytes>,
    /** The bytes through `/resolve`: they take over when Xet is unusable for the file. */
    plain: () => AsyncGenerator<Uint8Array>,
  ]
): AsyncGenerator<Uint8Array> {
  const byXetHash = offset === 0 && !job.verifySha256 && namesBySha256(meta.etag);
  let first = true;
  try {
    // `@hfkit/xet`'s reader itself, not through `readXetFile` above: every chunk passes each
    // generator on its way (a 32 MiB file's ~500 chunks), and that one's `yield*` was the
    // costliest function TurboFan compiled in a fresh process's download (~12 ms; issue 19).
    const { readXetFile: readXet } = await import("@hfkit/xet");
    for await (const chunk of readXet(
      job.client,
      overOwnSocket(job.client, {
        repo: job.repo,
        revision: meta.commit,
        fileHash: meta.xetHash as string,
        ...(offset > 0 ? { range: { start: offset, end: meta.size } } : {}),
        verify: byXetHash,
        lendChunks,
        signal: job.signal,
      }),
    )) {
      if (first && byXetHash) verifier.countOnly();
      first = false;
      yield chunk;
    }
  } catch (error) {
    if (!first || job.signal?.aborted || !HubError.isInstance(error)) throw error;
    // Xet unusable for this file (token refused, no reconstruction): through /resolve.
    yield* plain();
  }
}
