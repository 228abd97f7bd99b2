import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { EmulatorHttpError } from "../core/errors.js";
import { gitBlobId, lfsPointer } from "../git/objects.js";
import { defaultGitattributes, lfsMatcher } from "./gitattributes.js";
import type { HubModel } from "./hub.js";
import { assertPathInRepo, assertRepoName } from "./names.js";
import type { FileEntry, RepoType } from "./types.js";

const TYPES: Record<string, RepoType> = { models: "model", datasets: "dataset", spaces: "space" };

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, d.name);
    if (d.isDirectory()) {
      if (d.name !== ".git") out.push(...(await filesUnder(root, full)));
    } else if (d.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
  return out.sort();
}

/**
 * Creates the repos of a seed folder that storage does not hold yet:
 * `{dir}/{models|datasets|spaces}/{namespace}/{name}/…files`. Each repo's files are its
 * initial commit (by `namespace`), files matching its `.gitattributes` (the Hub's default
 * one unless the folder has its own) stored as LFS objects. A Space's `sdk` is read from its
 * README's `sdk:` line (default `static`). Returns the ids created.
 */
export async function seedRepos(hub: HubModel, dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new TypeError(`seed: ${dir} is not a directory`);
  const found = (await readdir(dir)).filter((name) => !name.startsWith("."));
  const unknown = found.filter((name) => !TYPES[name]);
  if (unknown.length)
    throw new TypeError(
      `seed: ${dir} holds ${unknown.join(", ")}; expected only models/, datasets/ and spaces/ (each {namespace}/{name}/files)`,
    );
  const created: string[] = [];
  for (const [folder, type] of Object.entries(TYPES)) {
    for (const namespace of await entries(join(dir, folder))) {
      for (const name of await entries(join(dir, folder, namespace))) {
        const where = join(dir, folder, namespace, name);
        try {
          assertRepoName(namespace, "namespace");
          assertRepoName(name, "repo name");
        } catch (error) {
          throw new TypeError(`seed: ${where}: ${(error as EmulatorHttpError).message}`);
        }
        if (hub.findRepo(type, namespace, name)) continue;
        const paths = await filesUnder(where);
        const contents = new Map<string, Buffer>();
        for (const path of paths) {
          try {
            assertPathInRepo(path);
          } catch (error) {
            throw new TypeError(`seed: ${where}/${path}: ${(error as EmulatorHttpError).message}`);
          }
          contents.set(path, await readFile(join(where, path)));
        }
        const attributes = contents.get(".gitattributes")?.toString("utf8") ?? defaultGitattributes(type);
        const isLfs = lfsMatcher(attributes);
        const regular: Array<{ path: string; content: Uint8Array }> = [];
        const lfs = new Map<string, FileEntry>();
        const objects: Array<{ oid: string; size: number }> = [];
        for (const [path, content] of contents) {
          if (!isLfs(path)) {
            regular.push({ path, content });
            continue;
          }
          const oid = createHash("sha256").update(content).digest("hex");
          if (!(await hub.storage.has(`lfs/${oid}`))) await hub.storage.put(`lfs/${oid}`, content);
          const pointer = Buffer.from(lfsPointer(oid, content.byteLength));
          lfs.set(path, {
            oid: gitBlobId(pointer),
            size: content.byteLength,
            lfs: { oid, size: content.byteLength, pointerSize: pointer.byteLength },
          });
          objects.push({ oid, size: content.byteLength });
        }
        const sdk = /^sdk:\s*(\S+)\s*$/m.exec(contents.get("README.md")?.toString("utf8") ?? "")?.[1];
        const repo = await hub.createRepo({
          type,
          namespace,
          name,
          private: false,
          author: namespace,
          ...(type === "space" ? { sdk: sdk ?? "static" } : {}),
          files: regular,
          lfsFiles: lfs,
        });
        for (const object of objects) hub.registerLfs(repo, object.oid, object.size);
        created.push(`${folder}/${namespace}/${name}`);
      }
    }
  }
  return created;
}
