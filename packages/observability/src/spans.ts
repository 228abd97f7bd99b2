import type { SpanAttributes, SpanStartEvent } from "@hfkit/http/work";

/**
 * What a person calls each span hfkit opens, for the phases line above the bars. `null` hides a
 * span that comes and goes too fast to read (one per xorb, per shard): its parent speaks for it.
 * A name not listed reads with its dots and dashes as spaces.
 */
const WORDS: Record<string, string | null | ((attributes: SpanAttributes) => string)> = {
  commit: "commit",
  "commit.preupload": "checking files",
  "commit.hash": "hashing",
  "commit.lfs-batch": "preparing upload",
  "commit.lfs-upload": "LFS upload",
  "commit.xet-upload": "Xet upload",
  "commit.create": "creating the commit",
  "xet.upload": "Xet upload",
  "xet.xorb-upload": null,
  "xet.shard-upload": null,
  "datasets.push": "datasets push",
  "datasets.write-shards": (a) => (typeof a.split === "string" ? `writing ${a.split}` : "writing shards"),
  "datasets.shard": null,
  download: "download",
};

/** The words of a span (`datasets push`, `LFS upload`), or undefined for one kept out of the phases line. */
export function spanWords(span: Pick<SpanStartEvent, "name" | "attributes">): string | undefined {
  const words = WORDS[span.name];
  if (words === null) return undefined;
  if (typeof words === "function") return words(span.attributes);
  return words ?? span.name.replace(/[.-]/g, " ");
}

/**
 * The spans open now, as `WORK_CHANNELS` announced them: what runs, and inside what. Work may
 * outlive the span it started in (a push's shard upload runs on after its shard's span ended),
 * so every span seen keeps its parent until no span is open, and a span whose parent ended
 * counts as inside the nearest open one.
 */
export class OpenSpans {
  private readonly open = new Map<number, SpanStartEvent>();
  private readonly parents = new Map<number, number | undefined>();

  start(span: SpanStartEvent): void {
    this.open.set(span.id, span);
    this.parents.set(span.id, span.parentId);
  }

  end(id: number): void {
    this.open.delete(id);
    if (this.open.size === 0) this.parents.clear();
  }

  /** `id` if it is open, else its nearest open ancestor. */
  private nearest(id: number | undefined): SpanStartEvent | undefined {
    for (let at = id; at !== undefined; at = this.parents.get(at)) {
      const span = this.open.get(at);
      if (span) return span;
    }
    return undefined;
  }

  /** The span `id` (or its nearest open ancestor) and the open spans around it, innermost first. */
  chain(id: number | undefined): SpanStartEvent[] {
    const out: SpanStartEvent[] = [];
    for (let span = this.nearest(id); span; span = this.nearest(span.parentId)) out.push(span);
    return out;
  }

  /**
   * One short line: per outermost operation, the words of the spans from it inward, following
   * the earliest started of each span's open children (`datasets push › commit › Xet upload`).
   * The earliest child stays until it ends, so concurrent phases (uploads of several objects,
   * xorbs) do not make the line change at every redraw; repeated words are said once.
   */
  line(): string {
    const children = new Map<number | undefined, SpanStartEvent[]>();
    // A Map iterates in insertion order: spans in the order they started.
    for (const span of this.open.values()) {
      const parent = this.nearest(span.parentId)?.id;
      const siblings = children.get(parent);
      if (siblings) siblings.push(span);
      else children.set(parent, [span]);
    }
    const paths: string[] = [];
    for (const root of children.get(undefined) ?? []) {
      const words: string[] = [];
      for (let span: SpanStartEvent | undefined = root; span; span = children.get(span.id)?.[0]) {
        const said = spanWords(span);
        if (said !== undefined && said !== words.at(-1)) words.push(said);
      }
      if (words.length > 0) paths.push(words.join(" › "));
    }
    return paths.join(" · ");
  }
}
