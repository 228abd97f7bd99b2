import { opendir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative as relativePath, sep } from "node:path";
import { InvalidInputError } from "@hfkit/http";

export interface LocalFile {
  /** POSIX path relative to the folder. */
  relative: string;
  absolute: string;
  size: number;
}

/**
 * Local folders never uploaded: git's own data and huggingface_hub's local-dir cache
 * (huggingface_hub DEFAULT_IGNORE_PATTERNS).
 */
function skippedFolder(relative: string): boolean {
  return relative === ".git" || relative.endsWith("/.git") || /(^|\/)\.cache\/huggingface$/.test(relative);
}

/** What to do with symbolic links that lead out of the folder being walked. */
export interface ExternalLinks {
  /** Upload their targets too (`followExternalSymlinks`). */
  follow: boolean;
  /** Filled with the links left out, by relative path, with where they lead. */
  refused: { relative: string; target: string }[];
}

/**
 * Every file under `root`, sorted by path, with its size; `keep` filters by relative path.
 * Symbolic links to files are followed when they resolve inside `root`; a link that leaves
 * it (`config.json -> ~/.ssh/id_rsa`) is left out and listed in `external.refused`, unless
 * `external.follow`. Links to folders are not followed (no cycles).
 */
export async function walkFolder(
  root: string,
  keep: (relative: string) => boolean,
  external: ExternalLinks = { follow: false, refused: [] },
): Promise<LocalFile[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(root);
  } catch (error) {
    throw new InvalidInputError(`folder: ${root} does not exist; give the path of a local folder.`, {
      field: "folder",
      cause: error,
    });
  }
  if (!info.isDirectory()) {
    throw new InvalidInputError(`folder: ${root} is a file; upload it with uploadFile, or give its folder.`, {
      field: "folder",
    });
  }
  const out: LocalFile[] = [];
  const inside = await insideFolder(root);
  const visit = async (dir: string, prefix: string): Promise<void> => {
    const subfolders: Promise<void>[] = [];
    const files: Promise<void>[] = [];
    for await (const entry of await opendir(dir)) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolder(relative)) subfolders.push(visit(absolute, relative));
      } else if ((entry.isFile() || entry.isSymbolicLink()) && keep(relative)) {
        // Sizes are read in parallel: one stat after the other is slow for 20,000 files.
        files.push(
          (async () => {
            const target = await stat(absolute).catch(() => undefined); // undefined: a dangling link
            if (!target?.isFile()) return;
            if (entry.isSymbolicLink() && !external.follow) {
              const real = await realpath(absolute);
              if (!inside(real)) {
                external.refused.push({ relative, target: real });
                return;
              }
            }
            out.push({ relative, absolute, size: target.size });
          })(),
        );
      }
    }
    await Promise.all([...files, ...subfolders]);
  };
  await visit(root, "");
  external.refused.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/** Whether a resolved path lies inside `root` (itself resolved: the folder may be a link). */
async function insideFolder(root: string): Promise<(real: string) => boolean> {
  const base = await realpath(root);
  return (real) => {
    const rel = relativePath(base, real);
    return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
}
