import { datasetLayoutFromFiles } from "@hfkit/datasets";
import {
  formatRepoId,
  GatedRepoError,
  type HubClient,
  HubError,
  RepoNotFoundError,
  RevisionNotFoundError,
  UnauthorizedError,
} from "@hfkit/http";
import { downloadFile, getRepoInfo, listFiles, pathMatcher, type RepoFile } from "@hfkit/repo";
import type { AddRequest, RemoveRequest, SyncProblem } from "./requests.js";

/** One file of a resolved request, as the manifest records it. */
export interface ManifestFile {
  path: string;
  size: number;
  /** SHA-256 of the content for LFS files, else the git blob id: what the cache checks downloads against. */
  oid: string;
}

/** An add request pinned to a commit, with the exact files it stands for. */
export interface ResolvedAdd {
  request: AddRequest;
  commit: string;
  /** The config the request narrowed to (its `subset`, or the default one when only `split` was given). */
  subset?: string;
  files: ManifestFile[];
  bytes: number;
  /** `{ns}__{name}__rev_{sha}[__subset_…][__split_…]`: the folder under the storage root. */
  folder: string;
}

// Folder names must survive every file system and shell: config and split names are free text.
const safe = (part: string) => part.replace(/[^A-Za-z0-9._-]/g, "-");

/** The storage folder of a request at a commit. */
export function folderName(
  request: Pick<AddRequest, "repo">,
  commit: string,
  subset?: string,
  split?: string,
): string {
  const [ns, name] = request.repo.name.includes("/") ? request.repo.name.split("/") : ["", request.repo.name];
  let folder = `${ns ? `${safe(ns!)}__` : ""}${safe(name!)}__rev_${commit}`;
  if (subset !== undefined) folder += `__subset_${safe(subset)}`;
  if (split !== undefined) folder += `__split_${safe(split)}`;
  return folder;
}

/**
 * What makes two add requests the same: they would fill the same folder. The revision is part
 * of it (two revisions of one dataset are two folders); the include/exclude globs are not.
 */
export function requestKey(request: AddRequest): string {
  return [
    request.repo.type,
    request.repo.name,
    request.revision,
    request.subset ?? "",
    request.split ?? "",
  ].join("\u0000");
}

/** Duplicate adds, and repos both added and removed: found from the files alone, before any request. */
export function crossCheck(adds: readonly AddRequest[], removes: readonly RemoveRequest[]): SyncProblem[] {
  const problems: SyncProblem[] = [];
  const seen = new Map<string, AddRequest>();
  const where = (r: { source: { file: string; line: number } }) => `${r.source.file}:${r.source.line}`;
  for (const add of adds) {
    const first = seen.get(requestKey(add));
    if (first) {
      problems.push({
        ...add.source,
        field: "hf_id",
        message: `duplicate request: ${add.hfId}${add.subset ? ` subset ${add.subset}` : ""}${add.split ? ` split ${add.split}` : ""} at ${add.revision} is already requested at ${where(first)}; remove one of them`,
      });
    } else seen.set(requestKey(add), add);
  }
  for (const remove of removes) {
    const added = adds.find((a) => a.repo.type === remove.repo.type && a.repo.name === remove.repo.name);
    if (added) {
      problems.push({
        ...remove.source,
        field: "hf_id",
        message: `${remove.hfId} is both removed here and requested at ${where(added)}; keep only one of the two requests`,
      });
    }
  }
  return problems;
}

function hubProblem(error: unknown, request: AddRequest): { field: string; message: string } {
  const repo = formatRepoId(request.repo);
  if (RevisionNotFoundError.isInstance(error)) {
    return { field: "revision", message: `"${request.revision}" is not a branch, tag or commit of ${repo}` };
  }
  if (RepoNotFoundError.isInstance(error) || UnauthorizedError.isInstance(error)) {
    return {
      field: "hf_id",
      message: `${repo} does not exist, or is private and the token cannot read it (check the id and repo_type, or log in with a token that can)`,
    };
  }
  if (GatedRepoError.isInstance(error)) {
    return {
      field: "hf_id",
      message: `${repo} is gated: accept its conditions on the Hub with the account of the token`,
    };
  }
  return {
    field: "hf_id",
    message: `${repo}: ${HubError.isInstance(error) || error instanceof Error ? error.message : String(error)}`,
  };
}

// `*`, `?` and `[` are glob characters to `pathMatcher`; a repo path is matched literally.
export const literalPattern = (path: string) => path.replace(/[*?[]/g, (c) => `[${c}]`);

/**
 * Checks one add request against the Hub: the repo is readable, the revision resolves (to the
 * commit that pins it), the subset and split exist (the card's `configs`, or the `data/{split}-…`
 * layout), and the globs leave some files. Reads the listing and, when narrowed, the README
 * (into memory): nothing is written anywhere.
 */
export async function resolveAdd(
  client: HubClient,
  request: AddRequest,
  signal?: AbortSignal,
): Promise<ResolvedAdd | SyncProblem> {
  const fail = (field: string, message: string): SyncProblem => ({
    ...(request.fields[field] ?? request.source),
    field,
    message,
  });
  let commit: string;
  let listing: RepoFile[];
  try {
    const info = await getRepoInfo(client, {
      repo: request.repo,
      revision: request.revision,
      expand: ["sha"],
      signal,
    });
    if (!info.sha) return fail("revision", `the Hub gave no commit for "${request.revision}"`);
    commit = info.sha;
    listing = [];
    for await (const entry of listFiles(client, {
      repo: request.repo,
      revision: commit,
      recursive: true,
      signal,
    })) {
      if (entry.type === "file") listing.push(entry);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    const { field, message } = hubProblem(error, request);
    return fail(field, message);
  }
  let selected = listing;
  let subset: string | undefined;
  if (request.subset !== undefined || request.split !== undefined) {
    const hasCard = listing.some((f) => f.path === "README.md");
    const card = hasCard
      ? new TextDecoder().decode(
          (
            await downloadFile(client, {
              repo: request.repo,
              path: "README.md",
              revision: commit,
              to: "memory",
              signal,
            })
          ).bytes,
        )
      : undefined;
    const layout = datasetLayoutFromFiles(
      listing.map((f) => f.path),
      card,
    );
    const config =
      request.subset !== undefined
        ? layout.configs.find((c) => c.configName === request.subset)
        : (layout.configs.find((c) => c.default) ?? layout.configs[0]);
    const names = (list: readonly string[]) => (list.length ? list.join(", ") : "none");
    if (!config) {
      return fail(
        "subset",
        `"${request.subset}" is not a subset (config) of ${request.hfId} at ${commit.slice(0, 8)}; it has ${names(layout.configs.map((c) => c.configName))}`,
      );
    }
    subset = config.configName;
    const splits =
      request.split === undefined ? config.splits : config.splits.filter((s) => s.split === request.split);
    if (splits.length === 0 || splits.every((s) => s.files.length === 0)) {
      return fail(
        request.split === undefined ? "subset" : "split",
        request.split === undefined
          ? `subset "${subset}" of ${request.hfId} has no data files`
          : `"${request.split}" is not a split of ${request.hfId}${request.subset ? ` subset ${subset}` : ""}; it has ${names(config.splits.filter((s) => s.files.length > 0).map((s) => s.split))}`,
      );
    }
    // The card travels with the data: it holds the features and the configs.
    const wanted = new Set(["README.md", ...splits.flatMap((s) => s.files)]);
    selected = listing.filter((f) => wanted.has(f.path));
  }
  const include = pathMatcher(request.include, "include");
  const exclude = pathMatcher(request.exclude, "exclude");
  selected = selected.filter((f) => (!include || include(f.path)) && !exclude?.(f.path));
  if (selected.length === 0) {
    return fail(
      request.include ? "include" : "hf_id",
      `selects no files of ${request.hfId} at ${commit.slice(0, 8)}`,
    );
  }
  const files = selected
    .map((f) => ({ path: f.path, size: f.size, oid: f.lfs?.oid ?? f.oid }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    request,
    commit,
    ...(subset !== undefined ? { subset } : {}),
    files,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    folder: folderName(
      request,
      commit,
      request.subset ?? (request.split !== undefined ? subset : undefined),
      request.split,
    ),
  };
}
