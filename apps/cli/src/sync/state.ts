import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import * as z from "@hfkit/http/zod";
import type { ManifestFile } from "./resolve.js";

/** The folder of a storage root that holds the manifests, the audit log and the archive. */
export const STATE_DIR = ".hfkit-sync";

/** A dataset (or model) the storage holds, as `active.json` records it. */
export interface ActiveEntry {
  folder: string;
  hfId: string;
  repoType: string;
  description: string;
  /** The revision requested (`main`), and the commit it resolved to when it was copied. */
  revision: string;
  commit: string;
  subset?: string;
  split?: string;
  include?: string[];
  exclude?: string[];
  /** The request file and line that asked for it. */
  requestFile: string;
  requestLine: number;
  files: ManifestFile[];
  bytes: number;
  /** How the files are tied to the cache: `hardlink`, or `copy` when the storage is on another file system. */
  materialized: "hardlink" | "copy";
  syncedAt: string;
}

/** One line of `archived.json`'s history: every add, removal and failure, never rewritten. */
export interface HistoryEvent {
  event: "added" | "archived" | "pruned" | "failed";
  at: string;
  hfId: string;
  folder?: string;
  commit?: string;
  reason?: string;
  requestFile?: string;
  requestLine?: number;
}

const manifestFile = z.object({ path: z.string(), size: z.number(), oid: z.string() });
const activeSchema = z.object({
  version: z.literal(1),
  datasets: z.array(
    z.looseObject({
      folder: z.string(),
      hfId: z.string(),
      repoType: z.string(),
      description: z.string(),
      revision: z.string(),
      commit: z.string(),
      requestFile: z.string(),
      requestLine: z.number(),
      files: z.array(manifestFile),
      bytes: z.number(),
      materialized: z.enum(["hardlink", "copy"]),
      syncedAt: z.string(),
    }),
  ),
});
const archivedSchema = z.object({
  version: z.literal(1),
  history: z.array(z.looseObject({ event: z.string(), at: z.string(), hfId: z.string() })),
});

export interface SyncState {
  active: ActiveEntry[];
  history: HistoryEvent[];
}

/** Where the state of a storage root lives. */
export function statePaths(storage: string) {
  const dir = join(storage, STATE_DIR);
  return {
    dir,
    active: join(dir, "active.json"),
    archived: join(dir, "archived.json"),
    audit: join(dir, "audit.jsonl"),
    lock: join(dir, "lock"),
    /** Folders moved out of the active set: kept until `--prune`. */
    archive: join(dir, "archive"),
  };
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${path} is not a manifest hfkit sync wrote (${parsed.error.issues[0]?.message}); move it away and run again`,
    );
  }
  return parsed.data;
}

/** Reads `active.json` and `archived.json` (empty when the storage is new). */
export async function readState(storage: string): Promise<SyncState> {
  const paths = statePaths(storage);
  const active = await readJson(paths.active, activeSchema);
  const archived = await readJson(paths.archived, archivedSchema);
  return {
    active: (active?.datasets ?? []) as ActiveEntry[],
    history: (archived?.history ?? []) as HistoryEvent[],
  };
}

/**
 * Writes a whole file or nothing: a temporary file in the same folder, flushed to disk, then
 * renamed over the old one. A run killed at any point leaves the previous manifest or the new.
 */
async function writeAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

export async function writeActive(storage: string, active: readonly ActiveEntry[]): Promise<void> {
  const paths = statePaths(storage);
  await mkdir(paths.dir, { recursive: true });
  const sorted = [...active].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
  await writeAtomic(paths.active, `${JSON.stringify({ version: 1, datasets: sorted }, null, 2)}\n`);
}

/** Appends to the history: the file is rewritten whole (atomically), its earlier events unchanged. */
export async function appendHistory(storage: string, events: readonly HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  const paths = statePaths(storage);
  await mkdir(paths.dir, { recursive: true });
  const { history } = await readState(storage);
  await writeAtomic(
    paths.archived,
    `${JSON.stringify({ version: 1, history: [...history, ...events] }, null, 2)}\n`,
  );
}

/** One line of the audit log: every operation of every run, as it happens. */
export async function audit(
  storage: string,
  run: string,
  op: string,
  fields: Record<string, unknown> = {},
): Promise<void> {
  const paths = statePaths(storage);
  await mkdir(paths.dir, { recursive: true });
  // One write per line in append mode: lines of concurrent writers never interleave.
  await appendFile(paths.audit, `${JSON.stringify({ at: new Date().toISOString(), run, op, ...fields })}\n`);
}
