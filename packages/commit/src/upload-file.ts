import type { HubClient } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { checkTarget, contextFor, labelOf } from "./commit.js";
import { withEvents } from "./events.js";
import { baseName } from "./file-source.js";
import { runCommit } from "./pipeline.js";
import { planAdd } from "./plan.js";
import type {
  CommitProgressEvent,
  CommitResult,
  CommitTargetOptions,
  InMemoryContent,
  StreamFactory,
} from "./types.js";
import { checkMessage, checkPathInRepo } from "./validate.js";
import { verifyUpload } from "./verify.js";

export type UploadFileOptions = CommitTargetOptions & {
  /** Where the file goes in the repo. Default: the local file's name (required for content and streams). */
  pathInRepo?: string;
  /** The commit title. Default `Upload {pathInRepo} with hfkit`. */
  message?: string;
  /** After the commit, check through paths-info that the file is there with its size and oid. */
  verify?: boolean;
} & (
    | { file: string; content?: never; stream?: never }
    | { content: InMemoryContent; file?: never; stream?: never }
    | { stream: StreamFactory; size: number; content?: never; file?: never }
  );

/**
 * Uploads one file in one commit, yielding progress events (see `commitIter`), then
 * `verify-done` with `verify: true`.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { uploadFileIter } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * for await (const event of uploadFileIter(hub, { repo: "me/my-model", file: "./model.safetensors" })) {
 *   if (event.type === "lfs-upload-progress") console.log(event.bytesUploaded, "/", event.totalBytes);
 * }
 */
export async function* uploadFileIter(
  client: HubClient,
  options: UploadFileOptions,
): AsyncGenerator<CommitProgressEvent, CommitResult> {
  const target = checkTarget(options);
  const fallback = typeof options.file === "string" ? baseName(options.file) : undefined;
  const path = checkPathInRepo(options.pathInRepo ?? fallback, "pathInRepo");
  const message = checkMessage(options.message ?? `Upload ${path} with hfkit`);
  const add = await planAdd(path, options as unknown as Record<string, unknown>, "");
  return yield* withEvents(options.signal, labelOf(target), async (emit, signal) => {
    const ctx = contextFor(client, target, emit, signal);
    const result = await runCommit(ctx, [add], {
      summary: message,
      description: target.description,
      parentCommit: target.parentCommit,
    });
    if (options.verify)
      emit({ type: "verify-done", files: await verifyUpload(ctx, [add], result.commitOid) });
    return result;
  });
}

/**
 * Uploads one file (a local path, bytes, a string, a Blob or a stream of known size) in one
 * commit. Large files go through Git LFS, multipart when the Hub asks; an unchanged file is
 * not committed again.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { uploadFile } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const { commitUrl } = await uploadFile(hub, {
 *   repo: "datasets/me/reviews",
 *   pathInRepo: "data/train.csv",
 *   file: "./train.csv",
 * });
 */
export async function uploadFile(client: HubClient, options: UploadFileOptions): Promise<CommitResult> {
  return drain(uploadFileIter(client, options));
}
