import { createStreamHasher } from "./hasher.js";
import { assertKey, type BlobStorage, type ByteRange, type StagedBlob, type StageOptions } from "./types.js";

/** Blobs as lists of chunks (never concatenated, so a multi-GiB object costs no copy). */
export function createMemoryStorage(): BlobStorage {
  const blobs = new Map<string, { chunks: Uint8Array[]; size: number }>();
  let state: string | undefined;
  let journal: string[] = [];

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
      try {
        for await (const chunk of source) {
          const pending = hash?.update(chunk);
          if (pending) await pending;
          chunks.push(chunk);
          size += chunk.byteLength;
        }
      } catch (error) {
        hash?.abort();
        throw error;
      }
      return {
        size,
        sha256: await hash?.digest(),
        async commit(key) {
          assertKey(key);
          blobs.set(key, { chunks, size });
        },
        async discard() {
          chunks.length = 0;
        },
      };
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
      return blob.chunks.length === 1 ? blob.chunks[0]! : Buffer.concat(blob.chunks);
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
