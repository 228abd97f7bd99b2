import { randomBytes, randomUUID } from "node:crypto";
import { repoNotFound, revisionNotFound } from "../core/errors.js";
import { gitBlobId, gitCommitId } from "../git/objects.js";
import type { BlobStorage } from "../storage/types.js";
import { defaultGitattributes } from "./gitattributes.js";
import { applyJournalLine, COMPACT_MIN_BYTES, type JournalLine, JournalTracker } from "./journal.js";
import { type ResolvedRevision, splitRevision, tryResolveRevision } from "./revisions.js";
import { EMPTY_TREE, TreeIndex } from "./trees.js";
import type {
  AccessRequestRecord,
  CollectionRecord,
  Commit,
  CommitRecord,
  DiscussionEvent,
  DiscussionRecord,
  FileEntry,
  Frozen,
  HubState,
  LikeRecord,
  MultipartUpload,
  Repo,
  RepoRecord,
  RepoType,
  TreeItem,
  WebhookRecord,
  XetFileRecord,
} from "./types.js";

export interface NewCommit {
  parents: string[];
  files: Map<string, FileEntry>;
  title: string;
  description?: string;
  author: string;
  /** ISO date (a rewritten commit keeps its own); default now. */
  date?: string;
}

function emptyState(): HubState {
  return {
    version: 1,
    repos: [],
    trees: { [EMPTY_TREE]: [] },
    multipart: {},
    moved: {},
    secret: randomBytes(32).toString("hex"),
    xet: { files: {}, dedup: {} },
    collections: [],
    webhooks: [],
  };
}

/**
 * The emulator's domain: repos, refs, commits and trees, over a storage layer.
 *
 * Routes read, validate, then mutate through the methods below (ADR 0003): every state
 * change is one of them, each synchronous, so a request's changes land together and no
 * route can mutate `state` (it is read-only to them). The core calls `flush()` once after a
 * request succeeded, so persisting is never a route's job: a request that fails persists
 * nothing, and one that succeeds is durable before its response is sent.
 */
export class HubModel {
  readonly trees: TreeIndex;
  /** Bumped by every mutation; `flushed` is the version the latest write holds. */
  private version = 0;
  private flushed = 0;
  private writing: Promise<void> = Promise.resolve();
  /** What changed since the last flush, for the disk journal. */
  private readonly journal = new JournalTracker();
  /** The next flush writes the whole document (first flush after a replay; journal too big). */
  private snapshotDue: boolean;
  private snapshotBytes: number;

  private constructor(
    readonly storage: BlobStorage,
    private readonly data: HubState,
    readonly clock: () => number,
    loaded: { bytes: number; replayed: boolean },
    private readonly compactMinBytes: number,
  ) {
    this.trees = new TreeIndex(
      () => this.data,
      (id) => this.journal.tree(id),
    );
    this.snapshotBytes = loaded.bytes;
    this.snapshotDue = loaded.replayed;
  }

  /** `compactMinBytes`: the journal size past which (and past the document's) a snapshot is due. */
  static async load(
    storage: BlobStorage,
    clock: () => number,
    { compactMinBytes = COMPACT_MIN_BYTES }: { compactMinBytes?: number } = {},
  ): Promise<HubModel> {
    const saved = await storage.loadState();
    const state = saved ? (JSON.parse(saved) as HubState) : emptyState();
    if (state.version !== 1) throw new Error(`unsupported emulator state version ${String(state.version)}`);
    state.xet ??= { files: {}, dedup: {} };
    state.collections ??= [];
    state.webhooks ??= [];
    const lines = await storage.loadJournal();
    lines.forEach((text, index) => {
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch (error) {
        // Only the last line may be torn (a kill during its append): that flush never
        // returned, so its request was never answered as done.
        if (index === lines.length - 1) return;
        throw new Error(`emulator state journal: line ${index + 1} is not JSON (${String(error)})`);
      }
      if (line.g === (state.journalGeneration ?? 0)) applyJournalLine(state, line.ops);
    });
    // A new state (its secret included) is first written whole; so is one just replayed, which
    // also drops a torn last line before anything is appended after it.
    return new HubModel(
      storage,
      state,
      clock,
      { bytes: saved?.length ?? 0, replayed: !saved || lines.length > 0 },
      compactMinBytes,
    );
  }

  /** The whole state, read-only: change it through the mutation methods. */
  get state(): Frozen<HubState> {
    return this.data;
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  /**
   * Persists every change made so far: one line appended to the journal, listing what
   * changed (`model/journal.ts`), or now and then the whole document, atomically (temp file
   * + rename), which empties the journal. Writes are serialised. Called by the core after
   * each successful request; cheap when nothing changed, and concurrent callers share one write.
   */
  flush(): Promise<void> {
    if (this.flushed === this.version) return this.writing;
    this.flushed = this.version;
    if (this.storage.kind === "memory") {
      this.journal.clear();
      return this.writing;
    }
    // Serialised now, so the write holds exactly the changes made before this call.
    let write: Promise<unknown>;
    if (this.snapshotDue) {
      this.snapshotDue = false;
      this.journal.clear();
      this.data.journalGeneration = (this.data.journalGeneration ?? 0) + 1;
      const json = JSON.stringify(this.data);
      this.snapshotBytes = json.length;
      write = this.writing.catch(() => {}).then(() => this.storage.saveState(json));
    } else {
      const line = JSON.stringify({ g: this.data.journalGeneration ?? 0, ops: this.journal.take(this.data) });
      write = this.writing
        .catch(() => {})
        .then(() => this.storage.appendJournal(line))
        .then((size) => {
          if (size > Math.max(this.compactMinBytes, this.snapshotBytes)) this.snapshotDue = true;
        });
    }
    const done = write.then(() => {});
    this.writing = done.catch(() => {
      // Retry with the next flush, whole: the state on disk is older than the one in memory.
      this.flushed = -1;
      this.snapshotDue = true;
    });
    return done;
  }

  /** Marks a change for the next `flush()` (and `repo`'s record for the journal); every mutation method ends with it. */
  private changed(repo?: Repo): void {
    if (repo) this.journal.repo(repo.uid);
    this.version += 1;
  }

  /** The mutable record behind a read-only view handed out by this model. */
  private own(repo: Repo): RepoRecord {
    return repo as RepoRecord;
  }

  findRepo(type: RepoType, namespace: string, name: string): Repo | undefined {
    const ns = namespace.toLowerCase();
    const n = name.toLowerCase();
    return this.data.repos.find(
      (r) => r.type === type && r.namespace.toLowerCase() === ns && r.name.toLowerCase() === n,
    );
  }

  repoByUid(uid: string): Repo | undefined {
    return this.data.repos.find((r) => r.uid === uid);
  }

  async createRepo(init: {
    type: RepoType;
    namespace: string;
    name: string;
    private: boolean;
    author: string;
    sdk?: string;
    license?: string;
    files?: Array<{ path: string; content: Uint8Array }>;
    /** Files already stored (LFS pointers), added after `files`. */
    lfsFiles?: ReadonlyMap<string, FileEntry>;
  }): Promise<Repo> {
    const now = this.now();
    const repo: RepoRecord = {
      uid: randomUUID(),
      type: init.type,
      namespace: init.namespace,
      name: init.name,
      private: init.private,
      gated: false,
      discussionsDisabled: false,
      createdAt: now,
      lastModified: now,
      ...(init.sdk ? { sdk: init.sdk } : {}),
      ...(init.license ? { license: init.license } : {}),
      branches: {},
      tags: {},
      commits: {},
      lfs: {},
      discussions: [],
    };
    // Like the Hub, a new repo has one commit holding a .gitattributes with the LFS patterns.
    const files = new Map<string, FileEntry>();
    const blobs = [
      { path: ".gitattributes", content: Buffer.from(defaultGitattributes(init.type)) },
      ...(init.files ?? []),
    ];
    for (const blob of blobs) files.set(blob.path, await this.putRegular(blob.content));
    for (const [path, entry] of init.lfsFiles ?? []) files.set(path, entry);
    // No await from here on: the repo appears whole.
    const commit = this.addCommit(repo, { parents: [], files, title: "initial commit", author: init.author });
    repo.branches.main = commit.id;
    this.data.repos.push(repo);
    this.changed(repo);
    return repo;
  }

  deleteRepo(repo: Repo): void {
    this.data.repos = this.data.repos.filter((r) => r !== repo);
    this.journal.removeRepo(repo.uid);
    this.changed();
  }

  /** Renames or transfers a repo; its old full name (`{type}s/ns/name`) redirects to the new one. */
  moveRepo(repo: Repo, namespace: string, name: string): void {
    const record = this.own(repo);
    const prefix = TYPE_PREFIX[record.type];
    this.data.moved[`${prefix}${record.namespace}/${record.name}`] = `${prefix}${namespace}/${name}`;
    record.namespace = namespace;
    record.name = name;
    this.journal.key("moved");
    this.changed(repo);
  }

  updateSettings(
    repo: Repo,
    settings: Partial<Pick<RepoRecord, "private" | "gated" | "discussionsDisabled" | "xetEnabled">>,
  ): void {
    Object.assign(this.own(repo), settings);
    this.changed(repo);
  }

  /** Stores regular-file content under its git blob id (content-addressed: no state change). */
  async putRegular(content: Uint8Array): Promise<FileEntry> {
    const oid = gitBlobId(content);
    const key = `git/${oid}`;
    if (!(await this.storage.has(key))) await this.storage.put(key, content);
    return { oid, size: content.byteLength };
  }

  /** Records a commit object (and its trees); refs move separately. */
  addCommit(repo: Repo, input: NewCommit): CommitRecord {
    const record = this.own(repo);
    const tree = this.trees.build(input.files);
    const time = input.date ? Date.parse(input.date) : this.clock();
    const message = input.description ? `${input.title}\n\n${input.description}` : input.title;
    const id = gitCommitId({
      tree,
      parents: input.parents,
      authorName: input.author,
      authorEmail: `${input.author}@users.noreply.emulator.local`,
      time,
      message,
    });
    const commit: CommitRecord = {
      id,
      tree,
      parents: input.parents,
      title: input.title,
      message,
      author: input.author,
      date: new Date(Math.floor(time / 1000) * 1000).toISOString(),
    };
    record.commits[id] = commit;
    record.lastModified = commit.date;
    this.journal.commit(repo.uid, id);
    this.changed(repo);
    return commit;
  }

  setBranch(repo: Repo, branch: string, commit: string): void {
    this.own(repo).branches[branch] = commit;
    this.changed(repo);
  }

  deleteBranch(repo: Repo, branch: string): void {
    delete this.own(repo).branches[branch];
    this.changed(repo);
  }

  setTag(repo: Repo, tag: string, target: { commit: string; message?: string }): void {
    this.own(repo).tags[tag] = target;
    this.changed(repo);
  }

  deleteTag(repo: Repo, tag: string): void {
    delete this.own(repo).tags[tag];
    this.changed(repo);
  }

  addDiscussion(repo: Repo, discussion: DiscussionRecord): void {
    this.own(repo).discussions.push(discussion);
    this.changed(repo);
  }

  /** Appends events to a discussion and applies a patch (title, status, PR head, merge commit). */
  updateDiscussion(
    repo: Repo,
    num: number,
    events: DiscussionEvent[],
    patch: Partial<Pick<DiscussionRecord, "title" | "status" | "head" | "mergeCommitId">> = {},
  ): void {
    const discussion = this.own(repo).discussions.find((d) => d.num === num);
    if (!discussion) throw new Error(`no discussion #${num}`);
    discussion.events.push(...events);
    Object.assign(discussion, patch);
    this.changed(repo);
  }

  /** Replaces the data of one event of a discussion (a comment edited or hidden). */
  updateDiscussionEvent(repo: Repo, num: number, eventId: string, data: Record<string, unknown>): void {
    const discussion = this.own(repo).discussions.find((d) => d.num === num);
    const event = discussion?.events.find((e) => e.id === eventId);
    if (!event) throw new Error(`no event ${eventId} in discussion #${num}`);
    event.data = data;
    this.changed(repo);
  }

  /** An LFS object uploaded (and verified) for this repo. */
  registerLfs(repo: Repo, oid: string, size: number): void {
    const record = this.own(repo);
    record.lfs[oid] = size;
    record.lfsPushedAt = { ...record.lfsPushedAt, [oid]: this.now() };
    this.changed(repo);
  }

  /**
   * Files of a verified shard: recorded in the CAS, registered for `repo` (so a commit may
   * reference their sha256 as an `lfsFile`), and their eligible chunks added to the dedup index.
   */
  registerXetFiles(
    repo: Repo,
    files: ReadonlyArray<{ hash: string; record: XetFileRecord }>,
    dedup: ReadonlyArray<[chunk: string, xorb: string]>,
  ): void {
    const record = this.own(repo);
    record.xet ??= {};
    for (const file of files) {
      this.data.xet.files[file.hash] = file.record;
      this.journal.xetFile(file.hash);
      record.xet[file.record.sha256] = file.hash;
      record.lfs[file.record.sha256] = file.record.size;
      record.lfsPushedAt = { ...record.lfsPushedAt, [file.record.sha256]: this.now() };
    }
    for (const [chunk, xorb] of dedup) {
      if (this.data.xet.dedup[chunk] !== undefined) continue;
      this.data.xet.dedup[chunk] = xorb;
      this.journal.dedupChunk(chunk);
    }
    this.changed(repo);
  }

  /**
   * Forgets LFS objects of `repo` (permanent deletion): they are no longer registered for it,
   * so downloads of files pointing to them fail and a commit must upload them again.
   */
  forgetLfs(repo: Repo, oids: readonly string[]): void {
    const record = this.own(repo);
    for (const oid of oids) {
      delete record.lfs[oid];
      if (record.xet) delete record.xet[oid];
      if (record.lfsPushedAt) delete record.lfsPushedAt[oid];
    }
    this.changed(repo);
  }

  /**
   * Rewrites every ref's history without the files that point to `oids` (LFS deletion with
   * `rewriteHistory`, as the Hub does it): each commit holding such a file, and each commit
   * after one, is replaced by a commit with the same message, author and date; branches, tags
   * and pull requests move to the rewritten commits. Untouched commits keep their ids.
   */
  rewriteHistoryWithout(repo: Repo, oids: ReadonlySet<string>): void {
    const record = this.own(repo);
    const heads = [
      ...Object.values(record.branches),
      ...Object.values(record.tags).map((t) => t.commit),
      ...record.discussions.flatMap((d) => (d.head ? [d.head] : [])),
    ];
    const mapped = new Map<string, string>();
    // Parents before children, without recursion (histories can be long).
    const stack = heads.map((id) => ({ id, expanded: false }));
    while (stack.length) {
      const top = stack.pop()!;
      if (mapped.has(top.id)) continue;
      const commit = record.commits[top.id]!;
      if (!top.expanded) {
        stack.push({ id: top.id, expanded: true });
        for (const parent of commit.parents)
          if (!mapped.has(parent)) stack.push({ id: parent, expanded: false });
        continue;
      }
      const parents = commit.parents.map((p) => mapped.get(p)!);
      const files = this.files(commit);
      const kept = new Map([...files].filter(([, entry]) => !(entry.lfs && oids.has(entry.lfs.oid))));
      if (kept.size === files.size && parents.every((p, i) => p === commit.parents[i])) {
        mapped.set(commit.id, commit.id);
        continue;
      }
      const description =
        commit.message.length > commit.title.length
          ? commit.message.slice(commit.title.length + 2)
          : undefined;
      const rewritten = this.addCommit(repo, {
        parents,
        files: kept,
        title: commit.title,
        ...(description ? { description } : {}),
        author: commit.author,
        date: commit.date,
      });
      mapped.set(commit.id, rewritten.id);
    }
    for (const [branch, id] of Object.entries(record.branches)) record.branches[branch] = mapped.get(id)!;
    for (const tag of Object.values(record.tags)) tag.commit = mapped.get(tag.commit)!;
    for (const discussion of record.discussions)
      if (discussion.head) discussion.head = mapped.get(discussion.head)!;
    this.changed(repo);
  }

  setLikes(repo: Repo, likes: LikeRecord[]): void {
    this.own(repo).likes = likes;
    this.changed(repo);
  }

  setAccessRequests(repo: Repo, requests: AccessRequestRecord[]): void {
    this.own(repo).accessRequests = requests;
    this.changed(repo);
  }

  /** Replaces the list of collections (routes build the new list from a copy). */
  setCollections(collections: CollectionRecord[]): void {
    this.data.collections = collections;
    this.journal.key("collections");
    this.changed();
  }

  setWebhooks(webhooks: WebhookRecord[]): void {
    this.data.webhooks = webhooks;
    this.journal.key("webhooks");
    this.changed();
  }

  /**
   * Registers new multipart uploads and forgets those started before `purgeBefore` (ms; their
   * part URLs have expired, so they can never complete). Returns the forgotten ids, whose
   * part blobs the caller deletes.
   */
  startMultipart(uploads: readonly MultipartUpload[], purgeBefore: number): string[] {
    const purged: string[] = [];
    for (const [id, upload] of Object.entries(this.data.multipart)) {
      if (upload.startedAt !== undefined && upload.startedAt < purgeBefore) {
        delete this.data.multipart[id];
        this.journal.upload(id);
        purged.push(id);
      }
    }
    for (const upload of uploads) {
      this.data.multipart[upload.id] = upload;
      this.journal.upload(upload.id);
    }
    this.changed();
    return purged;
  }

  recordPart(id: string, part: number, etag: string): void {
    const upload = this.data.multipart[id];
    if (!upload) throw new Error(`no multipart upload ${id}`);
    upload.parts[String(part)] = etag;
    this.journal.part(id, String(part));
    this.changed();
  }

  /** The upload is complete (its object registered) or abandoned. */
  endMultipart(id: string): void {
    delete this.data.multipart[id];
    this.journal.upload(id);
    this.changed();
  }

  /** Resolves a branch, tag, `refs/...` name, `HEAD`, or a (short) commit id. */
  resolve(repo: Repo, rev: string): ResolvedRevision {
    const found = this.tryResolve(repo, rev);
    if (!found) throw revisionNotFound(rev);
    return found;
  }

  tryResolve(repo: Repo, rev: string): ResolvedRevision | undefined {
    return tryResolveRevision(repo, rev);
  }

  /** See `splitRevision` in revisions.ts. */
  splitRevision(repo: Repo, segments: string[], minPathSegments: number): { rev: string; path: string } {
    return splitRevision(repo, segments, minPathSegments);
  }

  files(commit: Commit): Map<string, FileEntry> {
    return this.trees.files(commit.tree);
  }

  lookup(commit: Commit, path: string): TreeItem | undefined {
    return this.trees.lookup(commit.tree, path);
  }

  /** Commits reachable from `head`, newest first (breadth-first over parents). */
  /**
   * The commits reachable from `head` in `git log`'s default order: from the commits whose
   * child was listed, the one with the newest date next (so after a merge the two lines
   * interleave by date, not by breadth).
   */
  history(repo: Repo, head: string): Commit[] {
    const seen = new Set<string>([head]);
    const candidates: Commit[] = repo.commits[head] ? [repo.commits[head]] : [];
    const out: Commit[] = [];
    while (candidates.length) {
      let next = 0;
      for (let i = 1; i < candidates.length; i++) {
        if (candidates[i]!.date > candidates[next]!.date) next = i;
      }
      const [commit] = candidates.splice(next, 1) as [Commit];
      out.push(commit);
      for (const parent of commit.parents) {
        const found = repo.commits[parent];
        if (found && !seen.has(parent)) {
          seen.add(parent);
          candidates.push(found);
        }
      }
    }
    return out;
  }

  /** The newest commit that changed `path` (for `expand=true` listings). */
  lastCommitFor(repo: Repo, head: string, path: string): Commit {
    let current = repo.commits[head]!;
    for (;;) {
      const parent = current.parents[0] ? repo.commits[current.parents[0]] : undefined;
      if (!parent) return current;
      const before = this.lookup(parent, path)?.oid;
      if (before !== this.lookup(current, path)?.oid) return current;
      current = parent;
    }
  }

  requireRepo(type: RepoType, namespace: string, name: string): Repo {
    const repo = this.findRepo(type, namespace, name);
    if (!repo) throw repoNotFound();
    return repo;
  }
}

export function repoId(repo: Repo): string {
  return `${repo.namespace}/${repo.name}`;
}

export const TYPE_PREFIX = { model: "", dataset: "datasets/", space: "spaces/" } as const;
