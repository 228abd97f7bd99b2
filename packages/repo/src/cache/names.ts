// The pure half of the cache layout: no file system, so the browser build keeps it (ADR 0017).
import { checkPathInRepo, type RepoId } from "@hfkit/http";

const PLURAL = { model: "models", dataset: "datasets", space: "spaces" } as const;

/**
 * The repo's folder in the cache, as huggingface_hub names it (file_download.py
 * repo_folder_name): `models--acme--bert`, `datasets--acme--reviews`. Repo ids never contain
 * `--`, so the name maps back to one repo.
 */
export function repoFolderName(repo: RepoId): string {
  return [PLURAL[repo.type], ...repo.name.split("/")].join("--");
}

/**
 * Checks a path inside a repo with the rule uploads use (`checkPathInRepo` of @hfkit/http) and
 * returns its segments, ready to join onto a folder.
 */
export function checkRepoPath(path: string, field = "path"): string[] {
  return checkPathInRepo(path, field).split("/");
}
