import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { createStreamHasher } from "./hasher.js";
import { assertKey, type BlobStorage, type ByteRange, type StagedBlob, type StageOptions } from "./types.js";

/** Coalesce small network chunks into writes of about this many bytes. */
const WRITE_BATCH = 4 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

/**
 * A directory that survives restarts:
 *   objects/<namespace>/<aa>/<key rest>   blobs (fanned out by the first two characters)
 *   tmp/                                  staging area; a blob is renamed into place only when whole
 *   state.json                            repos, refs, commits and trees, replaced atomically
 *   state.journal                         changes since state.json, one JSON line each (appended)
 */
export function createDiskStorage(dir: string): BlobStorage {
  const tmpDir = join(dir, "tmp");
  const statePath = join(dir, "state.json");
  const journalPath = join(dir, "state.journal");
  // Both settled before `ready` fails: Promise.all would reject on the first failure while the
  // other mkdir still runs, and a caller removing the folder after the failed start would race it.
  const ready = Promise.allSettled([
    mkdir(tmpDir, { recursive: true }),
    mkdir(join(dir, "objects"), { recursive: true }),
  ]).then((made) => {
    for (const result of made) if (result.status === "rejected") throw result.reason;
  });

  function pathOf(key: string): string {
    assertKey(key);
    const slash = key.indexOf("/");
    const rest = key.slice(slash + 1);
    return join(dir, "objects", key.slice(0, slash), rest.slice(0, 2), rest);
  }

  async function atomicWrite(target: string, data: Uint8Array | string): Promise<void> {
    await ready;
    const temp = join(tmpDir, randomUUID());
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }

  return {
    kind: "disk",
    async has(key) {
      return (await this.size(key)) !== undefined;
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch {
        return undefined;
      }
    },
    async put(key, bytes) {
      await atomicWrite(pathOf(key), bytes);
    },
    async stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob> {
      await ready;
      const temp = join(tmpDir, randomUUID());
      const handle = await open(temp, "w");
      const hash = options.sha256 ? createStreamHasher(options.expectedSize) : undefined;
      let size = 0;
      // One write in flight while the next batch is read: the socket never waits for the disk.
      let inFlight: Promise<unknown> = Promise.resolve();
      try {
        let batch: Uint8Array[] = [];
        let batchBytes = 0;
        for await (const chunk of source) {
          const pending = hash?.update(chunk);
          if (pending) await pending;
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          size += chunk.byteLength;
          if (batchBytes >= WRITE_BATCH) {
            await inFlight;
            inFlight = handle.writev(batch);
            batch = [];
            batchBytes = 0;
          }
        }
        await inFlight;
        if (batch.length) await handle.writev(batch);
      } catch (error) {
        hash?.abort();
        await inFlight.catch(() => {});
        await handle.close();
        await unlink(temp).catch(() => {});
        throw error;
      }
      await handle.close();
      return {
        size,
        sha256: await hash?.digest(),
        async commit(key) {
          const target = pathOf(key);
          await mkdir(dirname(target), { recursive: true });
          await rename(temp, target);
        },
        async discard() {
          await unlink(temp).catch(() => {});
        },
      };
    },
    async join(keys, options) {
      return this.stage(concatBlobs(this, keys), options);
    },
    read(key, range?: ByteRange) {
      const stream = createReadStream(pathOf(key), {
        highWaterMark: READ_CHUNK,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
      return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    },
    async readBytes(key) {
      return readFile(pathOf(key));
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async deletePrefix(prefix) {
      // Only upload parts are deleted by prefix: `part/<upload id>/` is one directory.
      const [namespace, id] = prefix.split("/");
      if (namespace !== "part" || !id) throw new Error(`unsupported prefix ${prefix}`);
      await rm(join(dir, "objects", namespace, id.slice(0, 2), id), { recursive: true, force: true });
    },
    async loadState() {
      // Every start reads the state first: waiting for the directories here means a start that
      // fails (a state file that does not parse) leaves no mkdir running behind its error.
      await ready;
      try {
        return await readFile(statePath, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async saveState(json) {
      await atomicWrite(statePath, json);
      // A crash before this leaves lines the new document already holds: replaying them
      // again is harmless, each one sets values (HubModel's journal).
      await rm(journalPath, { force: true });
    },
    async appendJournal(line) {
      await ready;
      const handle = await open(journalPath, "a");
      try {
        await handle.write(`${line}\n`);
        await handle.datasync();
        return (await handle.stat()).size;
      } finally {
        await handle.close();
      }
    },
    async loadJournal() {
      try {
        const text = await readFile(journalPath, "utf8");
        const lines = text.split("\n");
        // A complete journal ends with a newline; what follows the last one is a torn append.
        return lines.at(-1) === "" ? lines.slice(0, -1) : lines;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
  };
}

/** Concatenates several blobs as one stream (multipart completion). */
async function* concatBlobs(storage: BlobStorage, keys: readonly string[]): AsyncIterable<Uint8Array> {
  for (const key of keys) {
    const reader = storage.read(key).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
  }
}
