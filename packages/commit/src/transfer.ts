import { InvalidInputError, InvalidResponseError } from "@hfkit/http";
import { captureSpan, phase, TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import type { CommitContext } from "./context.js";
import { checkUnchanged, hashFiles, needsHash } from "./hashing.js";
import { LFS_BATCH_SIZE, lfsBatch } from "./lfs-batch.js";
import { type LfsObject, uploadLfsObject } from "./lfs-upload.js";
import type { PlannedAdd } from "./plan.js";
import type { WireLfsAction } from "./wire/lfs-batch.js";
import { uploadThroughXet } from "./xet-upload.js";

/** Objects waiting for a batch with at least this many bytes go out before hashing ends. */
const LFS_BATCH_BYTES = 256 << 20;

/**
 * Hashes what needs hashing and uploads the LFS objects the Hub does not have yet, as a
 * pipeline: hashed objects gather into LFS batches, and uploads start while later files are
 * still hashing.
 *
 * - LFS files get a SHA-256; regular files whose path already exists remotely get a git
 *   blob id. Either equal to the remote `oid` means the file is unchanged: it is dropped
 *   from the commit and reported.
 * - Files with the same content share one object and one upload.
 * - An object the batch answers without `actions` is already stored: not sent again. This
 *   is what makes a re-run after a crash, or after a 412, skip finished uploads.
 * - When the batch answers `transfer: "xet"`, its objects go through Xet storage instead of
 *   presigned PUTs (xet-upload.ts): only chunks the Hub lacks are sent.
 */
export async function transferFiles(ctx: CommitContext, adds: readonly PlannedAdd[]): Promise<void> {
  const active = adds.filter((a) => !a.ignored);
  for (const file of active) {
    // Only an LFS pointer can refer to an object uploaded earlier: a regular file's bytes go in the commit.
    if (file.uploaded && file.mode === "regular") {
      throw new InvalidInputError(
        `${file.field}: the Hub now stores ${file.path} as a regular file, not in LFS, so it cannot refer to an uploaded object; add it from content or file instead.`,
        { field: file.field },
      );
    }
  }
  const toHash = active.filter(needsHash);
  const group = new TaskGroup(ctx.signal);
  const batchQueue = new PQueue({ concurrency: ctx.concurrency.lfsBatch });
  const uploadQueue = new PQueue({ concurrency: ctx.concurrency.lfsUploads });
  const xetQueue = new PQueue({ concurrency: 1 });
  const objects = new Map<string, LfsObject>();
  const pending: LfsObject[] = [];

  // Batches are scheduled from hashing callbacks: their spans belong to the commit, not the hashing.
  const inTransfer = captureSpan();
  let hashing = true;
  let pendingBytes = 0;

  const sendBatch = async () => {
    const take = pending.splice(0, LFS_BATCH_SIZE);
    pendingBytes = pending.reduce((sum, o) => sum + o.size, 0);
    if (take.length === 0) return;
    scheduleBatch();
    const answer = await phase("commit.lfs-batch", { objects: take.length }, () =>
      lfsBatch(ctx, take, group.signal),
    );
    const answers = new Map(answer.objects.map((o) => [o.oid, o]));
    const viaXet = answer.transfer === "xet";
    const xetObjects: { object: LfsObject; action: WireLfsAction }[] = [];
    for (const object of take) {
      const answer = answers.get(object.oid);
      if (!answer) {
        throw new InvalidResponseError(`The LFS batch answer leaves out ${object.oid} (${object.path}).`);
      }
      const upload = answer.actions?.upload;
      if (!upload) {
        ctx.emit({ type: "lfs-object-skipped", path: object.path, oid: object.oid, size: object.size });
        continue;
      }
      if (viaXet) {
        xetObjects.push({ object, action: upload });
        continue;
      }
      group.spawn(() =>
        uploadQueue.add(async () => {
          const transfer = await phase(
            "commit.lfs-upload",
            { path: object.path, oid: object.oid, size: object.size },
            () => uploadLfsObject(ctx, object, { upload, verify: answer.actions?.verify }, group.signal),
          );
          ctx.emit({
            type: "lfs-object-uploaded",
            path: object.path,
            oid: object.oid,
            size: object.size,
            transfer,
          });
        }),
      );
    }
    // One Xet session per batch answer; sessions run one at a time (each sends several xorbs
    // at once, and chunking is CPU-bound).
    if (xetObjects.length > 0) {
      group.spawn(() => xetQueue.add(() => uploadThroughXet(ctx, xetObjects, group.signal)));
    }
  };
  // A batch goes out once hashing is over, or earlier when enough objects or bytes wait, so
  // that large uploads start while later files still hash. At most one batch waits queued.
  const scheduleBatch = () => {
    const ready = !hashing || pending.length >= LFS_BATCH_SIZE || pendingBytes >= LFS_BATCH_BYTES;
    if (ready && batchQueue.size === 0 && pending.length > 0)
      group.spawn(() => batchQueue.add(() => inTransfer(sendBatch)));
  };
  const enqueueObject = (file: PlannedAdd) => {
    const oid = file.sha256!;
    if (objects.has(oid)) return;
    const object = { oid, size: file.source.size, source: file.source, path: file.path };
    objects.set(oid, object);
    pending.push(object);
    pendingBytes += object.size;
  };

  // Files hashed earlier (during the preupload, or by uploadFolder's resume check) only need
  // their object, unless the revision already has them.
  for (const file of active) {
    if (file.mode === "lfs" && file.sha256 !== undefined && !checkUnchanged(ctx, file) && !file.uploaded)
      enqueueObject(file);
  }
  group.spawn(async () => {
    await phase("commit.hash", { files: toHash.length }, () =>
      hashFiles(ctx, toHash, group.signal, (file) => {
        if (file.mode === "lfs" && !file.unchanged) enqueueObject(file);
        scheduleBatch();
      }),
    );
    hashing = false;
    scheduleBatch();
  });
  await group.wait();
}
