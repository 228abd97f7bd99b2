// Generates the API reference (pages/api/*.md) from the public entry of every package in
// packages/*: each `exports` subpath's `@hfkit/source` file (src/index.ts, src/work/index.ts…)
// is one TypeDoc module named after its import path. A new package gets its API page with no
// change here. One TypeDoc run, one TypeScript program, for all packages (~6 s here).
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, ReflectionKind } from "typedoc";

const docsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(docsDir, "..", "..");
const out = join(docsDir, "pages", "api");

/** Entries for the @hfkit packages themselves, not for applications (ADR 0021). */
const INTERNAL = new Set(["@hfkit/http:./zod"]);

/** `{ importPath, file }` for every public entry point of every published package. */
function publicEntries() {
  const entries = [];
  const packagesDir = join(repoRoot, "packages");
  for (const name of readdirSync(packagesDir).sort()) {
    const pkgPath = join(packagesDir, name, "package.json");
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    if (pkg.private) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === "object" && target !== null ? target["@hfkit/source"] : undefined;
      if (!source || INTERNAL.has(`${pkg.name}:${subpath}`)) continue;
      entries.push({
        importPath: subpath === "." ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, "")}`,
        file: resolve(packagesDir, name, source),
      });
    }
  }
  return entries;
}

async function main() {
  const entries = publicEntries();
  rmSync(out, { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((entry) => entry.file),
    tsconfig: join(docsDir, "tsconfig.api.json"),
    plugin: ["typedoc-plugin-markdown"],
    out,
    name: "API reference",
    readme: "none",
    router: "module",
    outputFileStrategy: "modules",
    entryFileName: "index",
    flattenOutputFiles: true,
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    parametersFormat: "table",
    interfacePropertiesFormat: "table",
    classPropertiesFormat: "table",
    typeAliasPropertiesFormat: "table",
    enumMembersFormat: "table",
    tableColumnSettings: { hideSources: true, hideOverrides: true, hideInherited: true },
    // Markdown pages are Vue templates in VitePress: escape `<T>` and `{{ }}` in doc comments.
    sanitizeComments: true,
    excludePrivate: true,
    excludeScopesInPaths: true,
    // What errors inherit from Error (stack, captureStackTrace…) is Node's, not hfkit's API.
    excludeExternals: true,
    // `pnpm typecheck` checks the packages; here the program is only read.
    skipErrorChecking: true,
    excludeInternal: true,
    // Types re-exported from a dependency (zod, undici) are linked by name, not documented here.
    validation: { notExported: false, invalidLink: true, notDocumented: false },
    treatWarningsAsErrors: false,
    logLevel: "Warn",
    githubPages: false,
  });
  const project = app.logger.hasErrors() ? undefined : await app.convert();
  if (!project || app.logger.hasErrors()) {
    throw new Error("TypeDoc could not convert the packages' entry points (see the errors above).");
  }
  // Name each module by its import path (`@hfkit/http/work`), not by its file path.
  const byFile = new Map(entries.map((entry) => [entry.file, entry.importPath]));
  for (const module of project.getChildrenByKind(ReflectionKind.Module)) {
    const file = module.sources?.[0]?.fullFileName;
    const name = file && byFile.get(resolve(file));
    if (!name) throw new Error(`TypeDoc made a module ${module.name} that is no package entry point`);
    module.name = name;
  }
  // Source locations served the naming; the pages link to nothing outside the site.
  for (const reflection of Object.values(project.reflections)) delete reflection.sources;
  await app.generateOutputs(project);
  console.error(
    `API reference for ${entries.map((e) => e.importPath).join(", ")} in ${relative(repoRoot, out)}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
