import { gitTreeId, sortTreeItems } from "../git/objects.js";
import type { FileEntry, HubState, TreeItem } from "./types.js";

export const EMPTY_TREE = gitTreeId([]);

/** All files under a tree, by full path. Cached per tree id: trees are immutable. */
export class TreeIndex {
  private readonly flat = new Map<string, Map<string, FileEntry>>();

  constructor(
    private readonly state: () => HubState,
    /** Told each tree id stored for the first time (the disk journal records it). */
    private readonly added: (id: string) => void = () => {},
  ) {}

  items(treeId: string): TreeItem[] {
    const items = this.state().trees[treeId];
    if (!items) throw new Error(`missing tree ${treeId}`);
    return items;
  }

  files(treeId: string): Map<string, FileEntry> {
    const cached = this.flat.get(treeId);
    if (cached) return cached;
    const out = new Map<string, FileEntry>();
    const walk = (id: string, prefix: string) => {
      for (const item of this.items(id)) {
        const path = prefix + item.name;
        if (item.type === "directory") walk(item.oid, `${path}/`);
        else out.set(path, { oid: item.oid, size: item.size, ...(item.lfs ? { lfs: item.lfs } : {}) });
      }
    };
    walk(treeId, "");
    this.flat.set(treeId, out);
    return out;
  }

  /** The tree item at `path` ("" is the root directory), or undefined. */
  lookup(treeId: string, path: string): TreeItem | undefined {
    if (path === "") return { name: "", type: "directory", oid: treeId, size: 0 };
    let current: TreeItem | undefined;
    let dir = treeId;
    for (const part of path.split("/")) {
      if (current && current.type !== "directory") return undefined;
      current = this.items(dir).find((item) => item.name === part);
      if (!current) return undefined;
      dir = current.oid;
    }
    return current;
  }

  /** Builds (and registers) the trees for a set of files; returns the root tree id. */
  build(files: Map<string, FileEntry>): string {
    interface Dir {
      dirs: Map<string, Dir>;
      files: Map<string, FileEntry>;
    }
    const root: Dir = { dirs: new Map(), files: new Map() };
    for (const [path, entry] of files) {
      const parts = path.split("/");
      const name = parts.pop()!;
      let dir = root;
      for (const part of parts) {
        let next = dir.dirs.get(part);
        if (!next) {
          next = { dirs: new Map(), files: new Map() };
          dir.dirs.set(part, next);
        }
        dir = next;
      }
      dir.files.set(name, entry);
    }
    const state = this.state();
    const write = (dir: Dir): string => {
      const items: TreeItem[] = [];
      for (const [name, sub] of dir.dirs) items.push({ name, type: "directory", oid: write(sub), size: 0 });
      for (const [name, entry] of dir.files) items.push({ name, type: "file", ...entry });
      const id = gitTreeId(items);
      if (!state.trees[id]) {
        state.trees[id] = sortTreeItems(items);
        this.added(id);
      }
      return id;
    };
    // `files(id)` is computed from the stored trees, not from `files`: the same order (git's)
    // whether the tree was just built or loaded after a restart.
    return write(root);
  }
}
