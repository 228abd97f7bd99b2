import { createStreamHasher } from "./hasher.js";
import { assertKey, type BlobStorage, type ByteRange, type StagedBlob, type StageOptions } from "./types.js";

/**
 * A stage copies the body into buffers of its declared size (`expectedSize`; at most
 * `MAX_REGION` each), or of `REGION` bytes when none is declared. They are SharedArrayBuffers:
 * V8 counts an ArrayBuffer's memory as external and starts a full GC each time that grows by
 * ~32 MB, so keeping node:http's 64 KiB pieces (each its own ArrayBuffer) as they arrived cost
 * ~30 full GCs per GiB uploaded, which took more of the emulator's CPU than this one copy
 * (profiled: V8's marking threads ~1.4 s per GiB). A SharedArrayBuffer's memory is not
 * counted per isolate; the GC still frees it once nothing refers to it. Views of them stay
 * inside the emulator: `readBytes` copies, and the in-process mounts copy response bodies
 * (`unsharedResponse`), because some APIs (`crypto.subtle`) refuse shared memory.
 */
const MAX_REGION = 1024 * 1024 * 1024;
export const REGION = 1024 * 1024;

/** Blobs as lists of chunks (never concatenated, so a multi-GiB object costs no copy). */
export function createMemoryStorage(): BlobStorage {
  const blobs = new Map<string, { chunks: Uint8Array[]; size: number }>();
  let state: string | undefined;
  let journal: string[] = [];

  /** Bytes ready to become `key` on commit (the chunks are the blob's; none is copied). */
  const staged = (chunks: Uint8Array[], size: number, sha256: string | undefined): StagedBlob => ({
    size,
    sha256,
    async commit(key) {
      assertKey(key);
      blobs.set(key, { chunks, size });
    },
    async discard() {
      chunks.length = 0;
    },
  });

  return {
    kind: "memory",
    async has(key) {
      return blobs.has(key);
    },
    async size(key) {
      return blobs.get(key)?.size;
    },
    async put(key, bytes) {
      assertKey(key);
      blobs.set(key, { chunks: [bytes], size: bytes.byteLength });
    },
    async stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob> {
      const hash = options.sha256 ? createStreamHasher(options.expectedSize) : undefined;
      const chunks: Uint8Array[] = [];
      let size = 0;
      let region: Buffer | undefined;
      let written = 0;
      // A region less than half used (a body shorter than declared) is kept as a copy.
      const seal = () => {
        if (region && written) {
          const bytes = new Uint8Array(region.buffer, 0, written);
          chunks.push(written * 2 < region.byteLength ? new Uint8Array(bytes) : bytes);
        }
        region = undefined;
        written = 0;
      };
      try {
        for await (const piece of source) {
          const pending = hash?.update(piece);
          if (pending) await pending;
          for (let at = 0; at < piece.byteLength; ) {
            if (!region || written === region.byteLength) {
              seal();
              const declared = (options.expectedSize ?? 0) - size - at;
              const rest = piece.byteLength - at;
              const bytes = declared > 0 ? Math.max(declared, rest) : Math.max(rest, REGION);
              region = Buffer.from(new SharedArrayBuffer(Math.min(bytes, MAX_REGION)));
            }
            const n = Math.min(piece.byteLength - at, region.byteLength - written);
            // Buffer#fill is one memcpy; TypedArray#set into shared memory copies a byte at a
            // time when the two offsets are not equally aligned (4x slower, profiled).
            region.fill(n === piece.byteLength ? piece : piece.subarray(at, at + n), written, written + n);
            written += n;
            at += n;
          }
          size += piece.byteLength;
        }
        seal();
      } catch (error) {
        hash?.abort();
        throw error;
      }
      return staged(chunks, size, await hash?.digest());
    },
    async join(keys, options) {
      const chunks = keys.flatMap((key) => {
        const blob = blobs.get(key);
        if (!blob) throw new Error(`no blob ${key}`);
        return blob.chunks;
      });
      const size = chunks.reduce((n, chunk) => n + chunk.byteLength, 0);
      if (!options.sha256) return staged(chunks, size, undefined);
      const hash = createStreamHasher(size);
      try {
        for (const chunk of chunks) await hash.update(chunk);
      } catch (error) {
        hash.abort();
        throw error;
      }
      return staged(chunks, size, await hash.digest());
    },
    read(key, range?: ByteRange) {
      const blob = blobs.get(key);
      if (!blob) throw new Error(`no blob ${key}`);
      const start = range?.start ?? 0;
      const end = range ? range.end + 1 : blob.size;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          let offset = 0;
          for (const chunk of blob.chunks) {
            const from = Math.max(start - offset, 0);
            const to = Math.min(end - offset, chunk.byteLength);
            if (to > from) controller.enqueue(chunk.subarray(from, to));
            offset += chunk.byteLength;
            if (offset >= end) break;
          }
          controller.close();
        },
      });
    },
    async readBytes(key) {
      const blob = blobs.get(key);
      if (!blob) throw new Error(`no blob ${key}`);
      const [only] = blob.chunks;
      return blob.chunks.length === 1 && !(only!.buffer instanceof SharedArrayBuffer)
        ? only!
        : Buffer.concat(blob.chunks, blob.size);
    },
    async delete(key) {
      blobs.delete(key);
    },
    async deletePrefix(prefix) {
      for (const key of [...blobs.keys()]) if (key.startsWith(prefix)) blobs.delete(key);
    },
    async loadState() {
      return state;
    },
    async saveState(json) {
      state = json;
      journal = [];
    },
    async appendJournal(line) {
      journal.push(line);
      return journal.reduce((n, l) => n + l.length + 1, 0);
    },
    async loadJournal() {
      return [...journal];
    },
  };
}
