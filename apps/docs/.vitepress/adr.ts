import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const adrDir = join(import.meta.dirname, "..", "..", "..", "docs", "adr");

export interface AdrRecord {
  /** `0007-work-layer`: the file name without `.md`, and the page's path under /adr/. */
  slug: string;
  /** `0007. One work layer…`: the record's first heading. */
  title: string;
  /** The Markdown, as written in docs/adr/. */
  content: string;
}

/** The architecture decision records of docs/adr/, in number order; each becomes a page. */
export function adrRecords(): AdrRecord[] {
  return readdirSync(adrDir)
    .filter((file) => /^\d{4}-.*\.md$/.test(file))
    .sort()
    .map((file) => {
      const content = readFileSync(join(adrDir, file), "utf8");
      const title = /^#\s+(.+)$/m.exec(content)?.[1]?.trim() ?? file;
      return { slug: file.replace(/\.md$/, ""), title, content };
    });
}
