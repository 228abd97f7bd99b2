import { join } from "node:path";
import { checkRevision, isCommitId, type RepoId } from "@hfkit/http";
import { blobNameOf, checkServerCommit } from "../download/server-values.js";
import { confined } from "./confine.js";
import { checkRepoPath, repoFolderName } from "./names.js";

// A revision names a file under `refs/`: the shared revision rule keeps it from climbing out.
export { checkRevision } from "@hfkit/http";
export { checkRepoPath } from "./names.js";

/** Every path of one repo inside a Python-compatible hub cache (hub-protocol §5.4). */
export interface RepoCacheLayout {
  cacheDir: string;
  /** `<cache>/models--acme--bert`. */
  storage: string;
  blobs: string;
  blob(etag: string): string;
  snapshot(commit: string): string;
  /** `snapshots/<commit>/<path>`: a relative symlink into `blobs/`. */
  pointer(commit: string, path: string): string;
  /** `refs/<revision>`: the commit it resolved to; `refs/pr/1` nests. */
  ref(revision: string): string;
  /** `.no_exist/<commit>/<path>`: the Hub said the file does not exist at that commit. */
  noExist(commit: string, path: string): string;
  /** `.locks/<repo folder>/<etag>.lock`, shared with Python. */
  lock(etag: string): string;
  /** `trees/<commit>.json`: the file listing of a commit (huggingface_hub's tree cache). */
  tree(commit: string): string;
}

function blobName(etag: string): string {
  const name = blobNameOf(etag);
  if (name === undefined)
    throw new Error(`internal: "${etag}" is not a blob name; check it with blobNameOf first`);
  return name;
}

/**
 * Every path is built from checked parts (commit ids of 40 hex, blob names of 40 or 64 hex,
 * paths that pass the repo path rule) and checked again to lie inside the repo's folder.
 */
export function cacheLayout(cacheDir: string, repo: RepoId): RepoCacheLayout {
  const folder = repoFolderName(repo);
  const storage = join(cacheDir, folder);
  const blobs = join(storage, "blobs");
  const inside = (...parts: string[]) => confined(storage, join(storage, ...parts));
  const commitId = (commit: string) => (isCommitId(commit) ? commit : checkServerCommit(commit, "the cache"));
  return {
    cacheDir,
    storage,
    blobs,
    blob: (etag) => inside("blobs", blobName(etag)),
    snapshot: (commit) => inside("snapshots", commitId(commit)),
    pointer: (commit, path) => inside("snapshots", commitId(commit), ...checkRepoPath(path)),
    ref: (revision) => {
      checkRevision(revision);
      return inside("refs", ...revision.split("/"));
    },
    noExist: (commit, path) => inside(".no_exist", commitId(commit), ...checkRepoPath(path)),
    lock: (etag) => confined(cacheDir, join(cacheDir, ".locks", folder, `${blobName(etag)}.lock`)),
    tree: (commit) => inside("trees", `${commitId(commit)}.json`),
  };
}
