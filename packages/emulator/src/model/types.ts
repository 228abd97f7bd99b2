/** The emulator's persistent state (state.json on disk). Plain JSON, versioned. */
export type RepoType = "model" | "dataset" | "space";

interface LfsInfo {
  /** sha256 of the content. */
  oid: string;
  size: number;
  pointerSize: number;
}

/** One entry of a git tree as the emulator stores it. */
export interface TreeItem {
  name: string;
  type: "file" | "directory";
  /** Git object id: blob sha1 (of the pointer for LFS files) or tree sha1. */
  oid: string;
  /** Content size for files (the real size for LFS files), 0 for directories. */
  size: number;
  lfs?: LfsInfo;
}

/** A file at a path in a commit's tree. */
export interface FileEntry {
  oid: string;
  size: number;
  lfs?: LfsInfo;
}

export interface CommitRecord {
  id: string;
  tree: string;
  parents: string[];
  title: string;
  message: string;
  author: string;
  /** ISO date. */
  date: string;
}

export interface DiscussionEvent {
  id: string;
  type: "comment" | "status-change" | "commit" | "title-change";
  createdAt: string;
  author: string;
  data: Record<string, unknown>;
}

export interface DiscussionRecord {
  num: number;
  title: string;
  isPullRequest: boolean;
  status: "draft" | "open" | "closed" | "merged";
  author: string;
  createdAt: string;
  events: DiscussionEvent[];
  /** Pull requests: the branch they target and the head of `refs/pr/<num>`. */
  baseBranch?: string;
  /** The commit the PR started from (merge base). */
  base?: string;
  head?: string;
  mergeCommitId?: string;
}

export interface RepoRecord {
  /** Stable internal id (survives renames); used in signed upload URLs. */
  uid: string;
  type: RepoType;
  namespace: string;
  name: string;
  private: boolean;
  gated: false | "auto" | "manual";
  discussionsDisabled: boolean;
  createdAt: string;
  lastModified: string;
  sdk?: string;
  license?: string;
  branches: Record<string, string>;
  tags: Record<string, { commit: string; message?: string }>;
  commits: Record<string, CommitRecord>;
  /** LFS objects uploaded to this repo (through LFS or Xet): sha256 → size. */
  lfs: Record<string, number>;
  /** Files registered for this repo through a Xet shard: sha256 → Xet file hash. */
  xet?: Record<string, string>;
  /** The repo's Xet switch (`undefined`: on, as on the Hub). */
  xetEnabled?: boolean;
  discussions: DiscussionRecord[];
  /** Users who liked the repo, oldest first (absent: none). */
  likes?: LikeRecord[];
  /** Access requests of a gated repo, by user (absent: none). */
  accessRequests?: AccessRequestRecord[];
  /** When each LFS object was pushed (ISO date, by sha256), for `lfs-files` listings. */
  lfsPushedAt?: Record<string, string>;
}

export interface LikeRecord {
  user: string;
  /** ISO date. */
  at: string;
}

export interface AccessRequestRecord {
  user: string;
  status: "pending" | "accepted" | "rejected";
  /** ISO date of the latest change. */
  at: string;
  rejectionReason?: string;
}

export interface CollectionItemRecord {
  /** 24-hex id of the item within the collection. */
  objectId: string;
  type: "model" | "dataset" | "space" | "paper" | "collection";
  id: string;
  position: number;
  note?: string;
}

export interface CollectionRecord {
  /** 24-hex id: the slug's suffix. */
  objectId: string;
  owner: string;
  title: string;
  description?: string;
  private: boolean;
  theme: string;
  position: number;
  lastUpdated: string;
  items: CollectionItemRecord[];
}

export interface WebhookRecord {
  id: string;
  /** The user who created it (webhooks are per user). */
  owner: string;
  url: string;
  watched: Array<{ type: "dataset" | "model" | "org" | "space" | "user"; name: string }>;
  domains: Array<"repo" | "discussion">;
  secret?: string;
  disabled: boolean;
}

/** One term of a Xet file: `[xorb hash, first chunk, end chunk (exclusive), bytes]`. */
export type XetTermRecord = [xorb: string, start: number, end: number, length: number];

/** A file registered through a shard, verified against its bytes. */
export interface XetFileRecord {
  size: number;
  /** Hex SHA-256 of the content (the LFS oid). */
  sha256: string;
  terms: XetTermRecord[];
}

/** The CAS's records; xorbs themselves are blobs (`xorb/<hash>`, `xmeta/<hash>`). */
export interface XetState {
  /** By Xet file hash. */
  files: Record<string, XetFileRecord>;
  /** Global dedup index: eligible chunk hash → the xorb holding it. */
  dedup: Record<string, string>;
}

export interface MultipartUpload {
  id: string;
  repoUid: string;
  oid: string;
  size: number;
  chunkSize: number;
  /** part number → the ETag it was answered with (without quotes). */
  parts: Record<string, string>;
  /** When the batch answer was given (ms); abandoned uploads are purged once their URLs expire. */
  startedAt?: number;
}

export interface HubState {
  version: 1;
  repos: RepoRecord[];
  trees: Record<string, TreeItem[]>;
  multipart: Record<string, MultipartUpload>;
  /** Old full name → new full name (`{type}s/ns/name`), so old URLs redirect after a move. */
  moved: Record<string, string>;
  /** HMAC key for presigned URLs and CAS tokens; persisted so both stay valid across a restart. */
  secret: string;
  /** Absent in states written before Xet (filled in on load). */
  xet: XetState;
  /** Absent in states written before collections (filled in on load). */
  collections: CollectionRecord[];
  /** Absent in states written before webhooks (filled in on load). */
  webhooks: WebhookRecord[];
  /** Bumped by each snapshot of a disk state; journal lines carry it (`model/journal.ts`). */
  journalGeneration?: number;
}

/** A deeply read-only view: what routes see of the state (they change it through `HubModel`). */
export type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

export type Repo = Frozen<RepoRecord>;
export type Commit = Frozen<CommitRecord>;
export type Discussion = Frozen<DiscussionRecord>;
