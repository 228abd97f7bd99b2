/**
 * The package guides, in the order the sidebar shows them. Adding a package to the site is
 * writing `pages/packages/<page>.md` and adding one entry here; its API page
 * (`pages/api/<name>.md`) is generated from the package's `exports` without any change.
 * The build fails while a published package in packages/* or apps/* has no entry.
 */
export interface PackageGuide {
  /** The npm name. */
  name: string;
  /** Its folder in the repository. */
  dir: string;
  /** The guide, `pages/packages/<page>.md`. */
  page: string;
  /** One line for the home page and the package list. */
  summary: string;
}

export const PACKAGES: readonly PackageGuide[] = [
  {
    name: "@hfkit/http",
    dir: "packages/http",
    page: "http",
    summary:
      "The Hub client: endpoint and token from the environment, one request seam, retries, typed errors, pagination, diagnostics, and the work layer.",
  },
  {
    name: "@hfkit/repo",
    dir: "packages/repo",
    page: "repo",
    summary:
      "Repos: create, delete, move, settings, info, listings, tree, paths-info; downloads into the cache Python uses.",
  },
  {
    name: "@hfkit/refs",
    dir: "packages/refs",
    page: "refs",
    summary: "Branches, tags, refs, commit history, super-squash and pull requests.",
  },
  {
    name: "@hfkit/commit",
    dir: "packages/commit",
    page: "commit",
    summary:
      "Commits with regular and Git LFS files (basic and multipart), uploadFile, uploadFolder (split, resumable), deletions.",
  },
  {
    name: "@hfkit/xet",
    dir: "packages/xet",
    page: "xet",
    summary:
      "Xet storage: content-defined chunking, BLAKE3 Merkle hashes, xorbs and shards, the CAS client, deduplicated uploads and reconstruction downloads.",
  },
  {
    name: "@hfkit/datasets",
    dir: "packages/datasets",
    page: "datasets",
    summary:
      "Tabular data to Parquet shards exactly as Python datasets writes them (features, shards, card data), and readers.",
  },
  {
    name: "@hfkit/cards",
    dir: "packages/cards",
    page: "cards",
    summary:
      "Model and dataset cards: byte-preserving parse and edit, validation with line and fix, dataset configs.",
  },
  {
    name: "@hfkit/emulator",
    dir: "packages/emulator",
    page: "emulator",
    summary:
      "A Hub-compatible local server for offline work and tests: in-process fetch, msw handlers, node:http, fault injection.",
  },
  {
    name: "@hfkit/observability",
    dir: "packages/observability",
    page: "observability",
    summary:
      "Logs, OpenTelemetry traces and metrics from what the libraries publish on node:diagnostics_channel; redaction of every token.",
  },
  {
    name: "@hfkit/cli",
    dir: "apps/cli",
    page: "cli",
    summary:
      "The hfkit command: repos, branches, tags, upload, download, cards, the emulator, and --endpoint local.",
  },
];
