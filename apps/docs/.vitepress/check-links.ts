// Checks the built site: every internal link, script, stylesheet and image must point at a file
// of the site, and every `#anchor` at an id on the page it names. VitePress's own dead-link
// check covers Markdown links between pages; this one also covers anchors, links written by
// Vue templates and the generated API pages. The config runs it when a build ends.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative } from "node:path";

export interface DeadLink {
  /** The page holding the link, as a site path (`/api/commit.html`). */
  page: string;
  link: string;
  problem: string;
}

const ID = /\sid="([^"]+)"/g;
const LINK = /<(?:a|link|script|img)\s[^>]*?(?:href|src)="([^"]*)"/g;

/** The site's pages, as paths relative to `dir` with `/` separators. */
export function htmlPages(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((file) => String(file).split("\\").join("/"))
    .filter((file) => file.endsWith(".html"))
    .sort();
}

function decode(text: string): string {
  const unescaped = text
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
  try {
    return decodeURIComponent(unescaped);
  } catch {
    return unescaped;
  }
}

/** The file a static server answers for a site path: `/a/` is `/a/index.html`, `/a` may be `/a.html`. */
export function fileFor(distDir: string, sitePath: string): string | undefined {
  const candidates = sitePath.endsWith("/")
    ? [`${sitePath}index.html`]
    : [sitePath, `${sitePath}.html`, `${sitePath}/index.html`];
  return candidates
    .map((path) => join(distDir, path))
    .find((path) => path.startsWith(distDir) && existsSync(path) && statSync(path).isFile());
}

/** Every dead link of the site built in `distDir`. */
export function findDeadLinks(distDir: string): DeadLink[] {
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let found = ids.get(file);
    if (!found) {
      found = new Set([...readFileSync(file, "utf8").matchAll(ID)].map((m) => decode(m[1]!)));
      ids.set(file, found);
    }
    return found;
  };
  const dead: DeadLink[] = [];
  for (const page of htmlPages(distDir)) {
    const pagePath = `/${page}`;
    for (const match of readFileSync(join(distDir, page), "utf8").matchAll(LINK)) {
      const link = decode(match[1]!);
      // Other hosts are plain links the page never fetches; `data:` and the like are inline.
      if (link === "" || /^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("//")) continue;
      const hash = link.indexOf("#");
      const target = hash === -1 ? link : link.slice(0, hash);
      const anchor = hash === -1 ? "" : link.slice(hash + 1);
      const file =
        target === ""
          ? join(distDir, page)
          : fileFor(distDir, posix.resolve(posix.dirname(pagePath), target.split("?")[0]!));
      if (!file) dead.push({ page: pagePath, link, problem: "no such page or file" });
      else if (anchor && file.endsWith(".html") && !idsOf(file).has(anchor)) {
        dead.push({ page: pagePath, link, problem: `no id "${anchor}" on /${relative(distDir, file)}` });
      }
    }
  }
  return dead;
}
