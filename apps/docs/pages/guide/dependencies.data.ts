import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface PackageDependencies {
  name: string;
  dir: string;
  /** Other hfkit packages it imports at runtime. */
  internal: string[];
  /** Everything else it installs. */
  external: string[];
}

const repoRoot = join(import.meta.dirname, "..", "..", "..", "..");

// Read from every package.json at build time, so the architecture page's graph cannot drift.
export default {
  watch: ["../../../../packages/*/package.json", "../../../../apps/*/package.json"],
  load(): PackageDependencies[] {
    const rows: PackageDependencies[] = [];
    for (const group of ["packages", "apps"]) {
      for (const dir of readdirSync(join(repoRoot, group)).sort()) {
        const path = join(repoRoot, group, dir, "package.json");
        if (!existsSync(path)) continue;
        const pkg = JSON.parse(readFileSync(path, "utf8"));
        if (pkg.private) continue;
        const names = Object.keys(pkg.dependencies ?? {});
        rows.push({
          name: pkg.name,
          dir: `${group}/${dir}`,
          internal: names.filter((name) => name.startsWith("@hfkit/")),
          external: names.filter((name) => !name.startsWith("@hfkit/")),
        });
      }
    }
    return rows;
  },
};
