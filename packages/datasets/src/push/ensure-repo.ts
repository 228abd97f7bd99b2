import { type HubClient, type RepoId, RepoNotFoundError } from "@hfkit/http";
import { createBranch } from "@hfkit/refs";
import { createRepo, getRepoInfo } from "@hfkit/repo";

export interface EnsureRepoOptions {
  repo: RepoId;
  revision?: string | undefined;
  private?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /**
   * What a read made just before showed (the push's card check reads the branch head): the
   * repo's own lookup is then skipped, one round trip less before the first upload.
   */
  known?: "exists" | "missing" | undefined;
}

/**
 * Creates the dataset repo when missing (and the branch pushed to, as `datasets` does; a pull
 * request's ref is left to the commit). Returns the repo's URL when this call created it.
 */
export async function ensureRepo(client: HubClient, options: EnsureRepoOptions): Promise<string | undefined> {
  const { repo, signal } = options;
  let createdUrl: string | undefined;
  let missing = options.known === "missing";
  if (options.known === undefined) {
    try {
      await getRepoInfo(client, { repo, expand: ["sha"], ...(signal ? { signal } : {}) });
    } catch (error) {
      if (!(error instanceof RepoNotFoundError)) throw error;
      missing = true;
    }
  }
  if (missing) {
    // existOk: a repo made meanwhile (or hidden from this token's read) is not an error here
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
