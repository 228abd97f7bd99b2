import type {
  CommitRecord,
  HubState,
  MultipartUpload,
  RepoRecord,
  TreeItem,
  XetFileRecord,
} from "./types.js";

/**
 * The disk state's journal (issue 10: a small commit must not rewrite the whole state file).
 * Between two snapshots of the state document, each flush appends one JSON line: the list of
 * what changed since the previous flush, each entry setting a value (a repo's record without
 * its commits, a new commit, a new tree, an upload, ...). A line carries the generation of
 * the snapshot it follows, and only lines of the loaded snapshot's generation are replayed:
 * a crash between a snapshot's rename and the journal's removal leaves older lines, which the
 * newer snapshot already holds (and may have moved past).
 */
export interface JournalLine {
  g: number;
  ops: JournalOp[];
}

export type JournalOp =
  | ["repo", Omit<RepoRecord, "commits">]
  | ["unrepo", string]
  | ["commit", string, CommitRecord]
  | ["tree", string, TreeItem[]]
  | ["set", "moved" | "collections" | "webhooks", unknown]
  | ["upload", string, MultipartUpload | null]
  | ["part", string, string, string]
  | ["xetfile", string, XetFileRecord]
  | ["dedup", string, string];

/** A snapshot is written instead of a line once the journal outgrows this and the last snapshot. */
export const COMPACT_MIN_BYTES = 4 * 1024 * 1024;

export class JournalTracker {
  private repos = new Set<string>();
  private removed = new Set<string>();
  private commits: Array<[uid: string, id: string]> = [];
  private trees = new Set<string>();
  private keys = new Set<"moved" | "collections" | "webhooks">();
  private uploads = new Set<string>();
  private parts: Array<[upload: string, part: string]> = [];
  private xetFiles = new Set<string>();
  private dedup = new Set<string>();

  repo(uid: string): void {
    this.repos.add(uid);
  }
  removeRepo(uid: string): void {
    this.repos.delete(uid);
    this.removed.add(uid);
  }
  commit(uid: string, id: string): void {
    this.commits.push([uid, id]);
  }
  tree(id: string): void {
    this.trees.add(id);
  }
  key(key: "moved" | "collections" | "webhooks"): void {
    this.keys.add(key);
  }
  upload(id: string): void {
    this.uploads.add(id);
  }
  part(id: string, part: string): void {
    this.parts.push([id, part]);
  }
  xetFile(hash: string): void {
    this.xetFiles.add(hash);
  }
  dedupChunk(chunk: string): void {
    this.dedup.add(chunk);
  }

  /** Forgets what was tracked (a snapshot holds it all). */
  clear(): void {
    this.repos.clear();
    this.removed.clear();
    this.commits = [];
    this.trees.clear();
    this.keys.clear();
    this.uploads.clear();
    this.parts = [];
    this.xetFiles.clear();
    this.dedup.clear();
  }

  /** The entries for everything tracked since the last call, read from `state` as it is now. */
  take(state: HubState): JournalOp[] {
    const ops: JournalOp[] = [];
    const byUid = new Map(state.repos.map((r) => [r.uid, r]));
    for (const uid of this.repos) {
      const repo = byUid.get(uid);
      if (!repo) continue;
      const { commits: _commits, ...rest } = repo;
      ops.push(["repo", rest]);
    }
    for (const [uid, id] of this.commits) {
      const commit = byUid.get(uid)?.commits[id];
      if (commit) ops.push(["commit", uid, commit]);
    }
    for (const uid of this.removed) ops.push(["unrepo", uid]);
    for (const id of this.trees) ops.push(["tree", id, state.trees[id]!]);
    for (const key of this.keys) ops.push(["set", key, state[key]]);
    for (const id of this.uploads) ops.push(["upload", id, state.multipart[id] ?? null]);
    for (const [id, part] of this.parts) {
      const etag = state.multipart[id]?.parts[part];
      if (etag !== undefined && !this.uploads.has(id)) ops.push(["part", id, part, etag]);
    }
    for (const hash of this.xetFiles) ops.push(["xetfile", hash, state.xet.files[hash]!]);
    for (const chunk of this.dedup) ops.push(["dedup", chunk, state.xet.dedup[chunk]!]);
    this.clear();
    return ops;
  }
}

/** Replays one journal line onto a loaded state. */
export function applyJournalLine(state: HubState, ops: JournalOp[]): void {
  for (const op of ops) {
    switch (op[0]) {
      case "repo": {
        const index = state.repos.findIndex((r) => r.uid === op[1].uid);
        if (index === -1) state.repos.push({ ...op[1], commits: {} });
        else state.repos[index] = { ...op[1], commits: state.repos[index]!.commits };
        break;
      }
      case "unrepo":
        state.repos = state.repos.filter((r) => r.uid !== op[1]);
        break;
      case "commit": {
        const repo = state.repos.find((r) => r.uid === op[1]);
        if (repo) repo.commits[op[2].id] = op[2];
        break;
      }
      case "tree":
        state.trees[op[1]] = op[2];
        break;
      case "set":
        (state as unknown as Record<string, unknown>)[op[1]] = op[2];
        break;
      case "upload":
        if (op[2]) state.multipart[op[1]] = op[2];
        else delete state.multipart[op[1]];
        break;
      case "part": {
        const upload = state.multipart[op[1]];
        if (upload) upload.parts[op[2]] = op[3];
        break;
      }
      case "xetfile":
        state.xet.files[op[1]] = op[2];
        break;
      case "dedup":
        state.xet.dedup[op[1]] = op[2];
        break;
      default:
        throw new Error(`unknown journal entry ${JSON.stringify(op)}`);
    }
  }
}
