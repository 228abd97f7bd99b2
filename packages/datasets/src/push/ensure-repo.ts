import { type HubClient, type RepoId, RepoNotFoundError } from "@hfkit/http";
import { createBranch } from "@hfkit/refs";
import { createRepo, getRepoInfo } from "@hfkit/repo";

export interface EnsureRepoOptions {
  repo: RepoId;
  revision?: string | undefined;
  private?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Creates the dataset repo when missing (and the branch pushed to, as `datasets` does; a pull
 * request's ref is left to the commit). Returns the repo's URL when this call created it.
 */
export async function ensureRepo(client: HubClient, options: EnsureRepoOptions): Promise<string | undefined> {
  const { repo, signal } = options;
  let createdUrl: string | undefined;
  try {
    await getRepoInfo(client, { repo, expand: ["sha"], ...(signal ? { signal } : {}) });
  } catch (error) {
    if (!(error instanceof RepoNotFoundError)) throw error;
    const created = await createRepo(client, {
      repo,
      existOk: true,
      ...(options.private !== undefined ? { private: options.private } : {}),
      ...(signal ? { signal } : {}),
    });
    if (created.created) createdUrl = created.url;
  }
  if (options.revision !== undefined && !options.revision.startsWith("refs/pr/")) {
    await createBranch(client, {
      repo,
      branch: options.revision,
      existOk: true,
      ...(signal ? { signal } : {}),
    });
  }
  return createdUrl;
}
