// What `pnpm soak` checks after each scenario, kept apart from the scenarios so that it can be
// tested on a tampered repo (test/soak-verify.test.mjs): the repo holds every file of the
// folder byte for byte, no object was uploaded again after it completed (from the emulator's
// request log), and the commit count stays within the documented split.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { DEFAULT_COMMIT_SPLIT } from "@hfkit/commit";
import { loadDataset } from "@hfkit/datasets";
import { createHubClient } from "@hfkit/http";

/** path in repo → { size, sha256 } of every file under `folder`. */
export function localManifest(folder) {
  const files = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const bytes = readFileSync(full);
        files.set(relative(folder, full).split(sep).join("/"), {
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        });
      }
    }
  };
  walk(folder);
  return files;
}

async function get(url, token) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** Every file path of a repo at `revision`, through the tree API (following its `Link` pages). */
export async function remotePaths(endpoint, repo, { token, revision = "main", type = "model" } = {}) {
  const paths = [];
  let url = `${endpoint}/api/${type}s/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
  while (url) {
    const res = await get(url, token);
    for (const entry of await res.json()) if (entry.type === "file") paths.push(entry.path);
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "");
    url = next ? new URL(next[1], endpoint).href : undefined;
  }
  return paths;
}

/**
 * Downloads every file of `expected` from the repo and compares its bytes (SHA-256) and size:
 * `lost` lists the paths missing or different, `bytesVerified` counts the bytes that matched.
 * Files the repo holds beyond `expected` are `extra` (`.gitattributes` is left out).
 */
export async function verifyRepo(endpoint, repo, expected, { token, revision = "main" } = {}) {
  const remote = new Set(await remotePaths(endpoint, repo, { token, revision }));
  const lost = [];
  let bytesVerified = 0;
  for (const [path, want] of expected) {
    if (!remote.has(path)) {
      lost.push({ path, why: "missing" });
      continue;
    }
    const res = await get(
      `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split("/").map(encodeURIComponent).join("/")}`,
      token,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length !== want.size || sha256 !== want.sha256) lost.push({ path, why: "different bytes" });
    else bytesVerified += bytes.length;
  }
  const extra = [...remote].filter((p) => !expected.has(p) && p !== ".gitattributes");
  return { lost, extra, bytesVerified, files: expected.size };
}

/**
 * Objects sent again after they completed, from the emulator's request log: a basic LFS PUT
 * (`/upload/{repo}/{oid}/{size}`) or a Xet xorb (`POST /v1/xorbs/default/{hash}`) answered
 * 2xx more than once, and multipart completions beyond the number of multipart objects.
 */
export function reuploads(requestLog, { multipartObjects = Infinity } = {}) {
  const seen = new Map();
  let completions = 0;
  for (const entry of requestLog) {
    if (entry.status < 200 || entry.status >= 300) continue;
    const path = new URL(entry.url).pathname;
    let key;
    if (entry.method === "PUT" && path.startsWith("/upload/")) key = `lfs ${path.split("/").at(-2)}`;
    else if (entry.method === "POST" && /^\/v1\/xorbs\//.test(path)) key = `xorb ${path.split("/").at(-1)}`;
    else if (entry.method === "POST" && path === "/api/complete_multipart") completions++;
    if (key) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} (${n} times)`);
  if (completions > multipartObjects)
    twice.push(`${completions} multipart completions for ${multipartObjects} multipart objects`);
  return twice;
}

/**
 * The commit count an upload of `files` files may make: `uploadFolder` cuts them into commits of
 * at most `maxFilesPerCommit` (DEFAULT_COMMIT_SPLIT: 1,000, @hfkit/commit README) and a re-run after an
 * interruption skips what was committed, so each interrupted attempt can add at most one
 * partial commit.
 */
export function commitBounds(files, attempts, maxFilesPerCommit = DEFAULT_COMMIT_SPLIT.maxFilesPerCommit) {
  const min = Math.max(1, Math.ceil(files / maxFilesPerCommit));
  return { min, max: min + Math.max(0, attempts - 1) };
}

/** The commits on `revision` (newest first), through the commits API's pages. */
export async function commitIds(endpoint, repo, { token, revision = "main", type = "model" } = {}) {
  const ids = [];
  let url = `${endpoint}/api/${type}s/${repo}/commits/${encodeURIComponent(revision)}`;
  while (url) {
    const res = await get(url, token);
    for (const commit of await res.json()) ids.push(commit.id);
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "");
    url = next ? new URL(next[1], endpoint).href : undefined;
  }
  return ids;
}

/**
 * One row of the soak's dataset as the digest sees it, written (`makeRows` in soak.mjs) and read
 * back (`verifyDataset`) alike: int64 columns may come back as bigint.
 */
export function rowLine(row) {
  return `${JSON.stringify([Number(row.id), row.text, row.score, row.ok])}\n`;
}

/**
 * Reads the dataset's train split back the way a user would (`loadDataset`: the card's configs,
 * its shards through a fresh cache) and compares it with what was pushed: the row count and the
 * SHA-256 of every row in order (`rowLine`; `readError` when the read fails). Also returns the files beside README.md and
 * .gitattributes that are not one complete set of `data/train-NNNNN-of-MMMMM.parquet` shards
 * (`strayFiles`, e.g. a shard of a killed attempt's split), the shards of that set the repo lacks
 * (`missingShards`) and the card's `num_examples`.
 */
export async function verifyDataset(endpoint, repo, want, { token, home }) {
  const hub = createHubClient({ endpoint, token, env: { HF_HOME: home } });
  const digest = createHash("sha256");
  let rows = 0;
  let readError;
  try {
    for await (const row of loadDataset(hub, { repo: `datasets/${repo}` })) {
      digest.update(rowLine(row));
      rows++;
    }
  } catch (error) {
    readError = error instanceof Error ? error.message : String(error);
  } finally {
    await hub.close();
  }
  const paths = await remotePaths(endpoint, repo, { token, type: "dataset" });
  const shards = paths.filter((p) => p.startsWith("data/train-"));
  const complete = shards.map((_, i) => shardName(i, shards.length));
  const strayFiles = paths.filter(
    (p) => p !== "README.md" && p !== ".gitattributes" && !complete.includes(p),
  );
  const missingShards = complete.filter((p) => !paths.includes(p));
  const card = await (await get(`${endpoint}/datasets/${repo}/resolve/main/README.md`, token)).text();
  const examples = /num_examples:\s*(\d+)/.exec(card);
  return {
    rows,
    sameRows: !readError && rows === want.rows && digest.digest("hex") === want.digest,
    readError,
    shards: shards.length,
    strayFiles,
    missingShards,
    cardExamples: examples ? Number(examples[1]) : undefined,
  };
}

const shardName = (index, total) =>
  `data/train-${String(index).padStart(5, "0")}-of-${String(total).padStart(5, "0")}.parquet`;
