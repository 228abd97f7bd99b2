export { commit, commitIter } from "./commit.js";
export { DEFAULT_COMMIT_CONCURRENCY } from "./concurrency.js";
export { type DeleteFilesOptions, type DeleteFilesResult, deleteFiles } from "./delete-files.js";
export { COMMIT_CHANNELS } from "./events.js";
export {
  type PreuploadFilesOptions,
  type PreuploadFilesResult,
  preuploadFiles,
  preuploadFilesIter,
} from "./preupload-files.js";
export { type CommitSplit, DEFAULT_COMMIT_SPLIT } from "./split.js";
export type {
  CommitAdd,
  CommitConcurrency,
  CommitCopy,
  CommitDeleteFile,
  CommitDeleteFolder,
  CommitOperation,
  CommitOptions,
  CommitProgressEvent,
  CommitResult,
  CommitTargetOptions,
  HashedLocalFile,
  InMemoryContent,
  StreamFactory,
  UploadedObject,
} from "./types.js";
export { type UploadFileOptions, uploadFile, uploadFileIter } from "./upload-file.js";
export {
  type UploadFolderOptions,
  type UploadFolderResult,
  uploadFolder,
  uploadFolderIter,
} from "./upload-folder.js";
export { CommitVerificationError, type VerifyMismatch } from "./verify.js";
