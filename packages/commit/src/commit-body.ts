// The commit body on Node: bytes written by hand around each regular file's base64. The
// browser build has commit-body.browser.ts (ADR 0017), the NDJSON lines of @hfkit/http, whose
// bundle budget has no room for this writer.

/** The body goes out in chunks of this size (the last one shorter), as @hfkit/http's NDJSON. */
const BODY_CHUNK = 64 << 10;

/** Fills fixed-size chunks; a full chunk waits in `full` until the generator hands it over. */
class Chunks {
  readonly full: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(BODY_CHUNK);
  private at = 0;

  /** Text of one byte per character (base64, JSON punctuation): copied, never encoded. */
  ascii(text: string): void {
    let from = 0;
    for (;;) {
      const room = BODY_CHUNK - this.at;
      const left = text.length - from;
      if (left <= room) {
        this.chunk.write(from === 0 ? text : text.slice(from), this.at, "latin1");
        this.at += left;
        return;
      }
      this.chunk.write(text.slice(from, from + room), this.at, "latin1");
      from += room;
      this.at = BODY_CHUNK;
      this.next();
    }
  }

  /** Any text, as UTF-8. */
  text(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (bytes === text.length) {
      this.ascii(text);
      return;
    }
    if (bytes <= BODY_CHUNK - this.at) {
      this.at += this.chunk.write(text, this.at);
      return;
    }
    const encoded = Buffer.from(text);
    for (let from = 0; from < encoded.length; ) {
      const n = encoded.copy(this.chunk, this.at, from);
      from += n;
      this.at += n;
      if (this.at === BODY_CHUNK) this.next();
    }
  }

  private next(): void {
    this.full.push(this.chunk);
    this.chunk = Buffer.allocUnsafe(BODY_CHUNK);
    this.at = 0;
  }

  rest(): Buffer | undefined {
    return this.at > 0 ? this.chunk.subarray(0, this.at) : undefined;
  }
}

/** A line of `commitLines` that carries a regular file's content. */
interface FileLine {
  key: "file";
  value: { content: string; path: string; encoding: "base64" };
}

/**
 * The NDJSON body of a commit as UTF-8 chunks: the bytes `JSON.stringify` makes of each of
 * `lines` (commitLines), but each regular file's line is written around its base64 text, which
 * needs no escaping, so the content is copied into the chunk once instead of being
 * stringified, joined and encoded again. Streamed as the lines come (files are read then).
 */
async function* commitBody(lines: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  const out = new Chunks();
  for await (const line of lines) {
    const { key, value } = line as FileLine;
    if (key === "file") {
      out.ascii('{"key":"file","value":{"content":"');
      out.ascii(value.content);
      out.text(`","path":${JSON.stringify(value.path)},"encoding":"base64"}}\n`);
    } else out.text(`${JSON.stringify(line)}\n`);
    while (out.full.length > 0) yield out.full.shift()!;
  }
  const last = out.rest();
  if (last) yield last;
}

/** Writes the commit body on Node; the browser build leaves it to @hfkit/http (undefined). */
export const NDJSON_WRITER: typeof commitBody | undefined = commitBody;
