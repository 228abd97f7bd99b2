import { type HubClient, HubError, InvalidResponseError } from "@hfkit/http";
import { sleep } from "@hfkit/http/work";

export interface FetchBytesOptions {
  /** `/resolve/` path on the Hub, pinned to a commit. */
  path: string;
  /** First byte to fetch (resuming a partial file). */
  offset: number;
  /** Total size announced by the Hub, when known. */
  size: number | undefined;
  /** Reconnections after the body broke off. Default 5, as huggingface_hub. */
  maxResumes?: number | undefined;
  /** Pause before reconnecting. Default 1000 ms, as huggingface_hub. */
  resumeDelayMs?: number | undefined;
  signal?: AbortSignal | undefined;
  operation: string;
}

/**
 * Files up to this size (most of a snapshot's: configs, tokenizers, small shards) stream through
 * the client's keep-alive node:http path (node-api-transport.ts) rather than `undici.request`: the undici package then never loads
 * (~0.1 s, 11 % of a 100-file snapshot under load, profiled with tooling/bench), and its
 * speed on large bodies (ADR 0002) is worth nothing on a few kilobytes.
 */
const SMALL_BODY = 1 << 20;

/**
 * Streams a file's bytes from `offset`, following the LFS redirect (the seam drops the token
 * on the way to storage). When the body breaks off, it reconnects with `Range: bytes=<n>-`
 * and carries on, so the caller sees one uninterrupted sequence of chunks.
 */
export async function* fetchBytes(client: HubClient, options: FetchBytesOptions): AsyncGenerator<Uint8Array> {
  const { size, signal } = options;
  const maxResumes = options.maxResumes ?? 5;
  let position = options.offset;
  let failures = 0;
  for (;;) {
    if (size !== undefined && position >= size && position > 0) return;
    const { data: body, status } = await client.request({
      path: options.path,
      // Identity: byte offsets and sizes must be those of the file, not of a compressed form.
      headers: { "accept-encoding": "identity", range: position > 0 ? `bytes=${position}-` : undefined },
      responseType: "stream",
      // Through undici.request rather than fetch when the client may (ADR 0002): no copy of
      // each chunk and fewer stream hops. Not for a small body (SMALL_BODY).
      bulk: size === undefined || size - position > SMALL_BODY,
      signal,
      operation: options.operation,
    });
    // A server that ignores Range answers 200 with the whole file: skip what we already have.
    let skip = position > 0 && status === 200 ? position : 0;
    let failure: unknown;
    if (body) {
      const reader = (body as ReadableStream<Uint8Array>).getReader();
      // A body stalled mid-way must not outlive an abort, whatever fetch produced it (the
      // emulator's in-process fetch and msw do not tie the body to the signal).
      const stop = () => void reader.cancel(signal?.reason).catch(() => {});
      signal?.addEventListener("abort", stop, { once: true });
      let finished = false;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          signal?.throwIfAborted();
          if (done) {
            finished = true;
            break;
          }
          let chunk = value;
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.byteLength);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
            if (chunk.byteLength === 0) continue;
          }
          position += chunk.byteLength;
          yield chunk;
        }
      } catch (error) {
        finished = true;
        if (signal?.aborted) throw signal.reason;
        failure = error;
      } finally {
        signal?.removeEventListener("abort", stop);
        // Stopped early by the consumer: close the connection instead of leaving it half-read.
        if (!finished) reader.cancel().catch(() => {});
        else reader.releaseLock();
      }
    }
    if (failure === undefined && (size === undefined || position >= size)) {
      if (size !== undefined && position > size) {
        throw new InvalidResponseError(
          `${options.path}: the Hub sent more than the ${size} bytes it announced.`,
        );
      }
      return;
    }
    if (++failures > maxResumes) {
      const reason =
        failure === undefined ? "the connection closed early" : String((failure as Error).message ?? failure);
      throw new HubError(
        `Download of ${options.path} broke off at byte ${position}${size === undefined ? "" : ` of ${size}`} ` +
          `${failures} times (${reason}).`,
        { code: "NETWORK_ERROR", retryable: true, cause: failure },
      );
    }
    await sleep(options.resumeDelayMs ?? 1000, signal);
  }
}
