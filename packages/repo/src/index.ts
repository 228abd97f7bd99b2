export {
  acquireFileLock,
  type FileLock,
  type FileLockOptions,
  type LockHolder,
} from "./cache/lock.js";
export { repoFolderName } from "./cache/names.js";
export {
  type CreateRepoOptions,
  type CreateRepoResult,
  createRepo,
  type RepoVisibility,
  type SpaceSdk,
} from "./create-repo.js";
export { type DeleteRepoOptions, type DeleteRepoResult, deleteRepo } from "./delete-repo.js";
export type { TransferOptions } from "./download/write-verified.js";
export {
  type DownloadedBytes,
  type DownloadedFile,
  type DownloadedStream,
  type DownloadFileEvent,
  type DownloadFileOptions,
  type DownloadProgress,
  type DownloadTarget,
  downloadFile,
  downloadFileIter,
} from "./download-file.js";
export { type LocalEntryNotFoundDetails, LocalEntryNotFoundError } from "./errors.js";
export { type FileDownloadProgressEvent, REPO_CHANNELS } from "./events.js";
export { type FileExistsOptions, fileExists } from "./file-exists.js";
export { type FileMetadata, type GetFileMetadataOptions, getFileMetadata } from "./get-file-metadata.js";
export { type GetPathsInfoOptions, getPathsInfo } from "./get-paths-info.js";
export { type GetRepoInfoOptions, getRepoInfo } from "./get-repo-info.js";
export { type ListDatasetsOptions, listDatasets } from "./list-datasets.js";
export { type ListFilesOptions, listFiles } from "./list-files.js";
export { type ListModelsOptions, listModels } from "./list-models.js";
export type { ListReposOptions } from "./list-repos.js";
export { type ListSpacesOptions, listSpaces } from "./list-spaces.js";
export { type MoveRepoOptions, type MoveRepoResult, moveRepo } from "./move-repo.js";
export { type PathPatterns, pathMatcher } from "./patterns.js";
export { type RepoExistsOptions, repoExists } from "./repo-exists.js";
export type { DatasetInfo, ModelInfo, RepoInfo, RepoSibling, SpaceInfo } from "./repo-info.js";
export {
  type SnapshotDownloadEvent,
  type SnapshotDownloadOptions,
  type SnapshotDownloadResult,
  type SnapshotFile,
  snapshotDownload,
  snapshotDownloadIter,
} from "./snapshot-download.js";
export type { LastCommit, RepoDirectory, RepoEntry, RepoFile, RepoOperationOptions } from "./types.js";
export {
  type GatedMode,
  type UpdateRepoSettingsOptions,
  type UpdateRepoSettingsResult,
  updateRepoSettings,
} from "./update-repo-settings.js";
export { type WhoAmI, type WhoAmIOptions, type WhoAmIOrg, whoami } from "./whoami.js";
