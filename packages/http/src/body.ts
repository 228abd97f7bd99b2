import { InvalidInputError } from "./errors.js";
import { fileSize, readFileRange } from "./platform.js";
import type { BinarySource, BodyPayload, FileBody, NdjsonSource, RequestBody } from "./types.js";

export interface PreparedBody {
  create: () => BodyPayload;
  replayable: boolean;
  contentType: string | undefined;
  contentLength: number | undefined;
  file?: { path: string; start: number; end: number };
}

/** Files are read 4 MiB at a time: the default 64 KiB halves throughput (perf-limits.md). */
export const FILE_CHUNK = 4 << 20;

const encoder = new TextEncoder();

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Lines are sent in chunks of about this size: fetch pays ~0.15 ms per chunk of a streamed body. */
const NDJSON_CHUNK = 64 * 1024;

async function* ndjsonLines(source: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  // One line per item, each ending in "\n"; streamed so a commit of 25k files is never one big
  // string, but small lines are grouped (a 1,000-file commit went from ~190 ms to ~40 ms).
  let pending: string[] = [];
  let size = 0;
  for await (const item of source as AsyncIterable<unknown>) {
    const line = `${JSON.stringify(item)}\n`;
    pending.push(line);
    size += line.length;
    if (size >= NDJSON_CHUNK) {
      yield encoder.encode(pending.join(""));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield encoder.encode(pending.join(""));
}

function prepareNdjson(source: NdjsonSource): PreparedBody {
  if (typeof source === "function") {
    return {
      create: () => ndjsonLines(source()),
      replayable: true,
      contentType: "application/x-ndjson",
      contentLength: undefined,
    };
  }
  if (Array.isArray(source)) {
    const bytes = encoder.encode(source.map((line) => `${JSON.stringify(line)}\n`).join(""));
    return {
      create: () => bytes,
      replayable: true,
      contentType: "application/x-ndjson",
      contentLength: bytes.byteLength,
    };
  }
  let used = false;
  return {
    create: () => {
      if (used) throw new Error("NDJSON body iterator was already consumed");
      used = true;
      return ndjsonLines(source as Iterable<unknown> | AsyncIterable<unknown>);
    },
    replayable: false,
    contentType: "application/x-ndjson",
    contentLength: undefined,
  };
}

function prepareBinary(source: BinarySource, contentType?: string, contentLength?: number): PreparedBody {
  if (typeof source === "function") {
    return { create: source, replayable: true, contentType, contentLength };
  }
  if (typeof source === "string") {
    const bytes = encoder.encode(source);
    return { create: () => bytes, replayable: true, contentType, contentLength: bytes.byteLength };
  }
  if (source instanceof ArrayBuffer) {
    const bytes = new Uint8Array(source);
    return { create: () => bytes, replayable: true, contentType, contentLength: bytes.byteLength };
  }
  if (source instanceof Uint8Array) {
    return { create: () => source, replayable: true, contentType, contentLength: source.byteLength };
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    return {
      create: () => source,
      replayable: true,
      contentType: contentType ?? (source.type || undefined),
      contentLength: source.size,
    };
  }
  if (isAsyncIterable(source)) {
    throw new InvalidInputError(
      "body.binary: pass a function that returns a fresh stream (() => stream), so the body can be re-sent on retry.",
      { field: "body.binary" },
    );
  }
  throw new InvalidInputError(
    "body.binary: expected bytes, a Blob, a string or a function returning a stream.",
    {
      field: "body.binary",
    },
  );
}

function prepareFile(body: FileBody): PreparedBody {
  const start = body.start ?? 0;
  let end = body.end;
  if (end === undefined) {
    try {
      end = fileSize(body.file);
    } catch (cause) {
      throw new InvalidInputError(`body.file: cannot read ${body.file} (${(cause as Error).message}).`, {
        field: "body.file",
        cause,
      });
    }
  }
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start)) {
    throw new InvalidInputError(`body.file: the range [${start}, ${end}) is not a byte range of the file.`, {
      field: "body.file",
    });
  }
  const range = { path: body.file, start, end };
  const stop = end;
  return {
    create: () =>
      stop > start ? (readFileRange(range.path, start, stop) as BodyPayload) : new Uint8Array(0),
    replayable: true,
    contentType: body.contentType,
    contentLength: end - start,
    file: range,
  };
}

async function* counting(source: AsyncIterable<Uint8Array>, report: (bytes: number) => void) {
  let sent = 0;
  for await (const chunk of source) {
    yield chunk;
    sent += chunk.byteLength;
    report(sent);
  }
}

/** Wraps a body so that `report` hears the bytes sent so far (streams only; bytes are one step). */
export function withProgress(create: () => BodyPayload, report: (bytes: number) => void): () => BodyPayload {
  return () => {
    const payload = create();
    report(0);
    if (payload instanceof Uint8Array) {
      return counting(
        (async function* () {
          yield payload;
        })(),
        report,
      );
    }
    if (typeof payload === "object" && payload !== null && Symbol.asyncIterator in payload) {
      return counting(payload as AsyncIterable<Uint8Array>, report);
    }
    return payload;
  };
}

/** Normalises a request body into a per-attempt factory plus its headers. */
export function prepareBody(body: RequestBody): PreparedBody {
  if ("file" in body) return prepareFile(body);
  if ("json" in body) {
    const bytes = encoder.encode(JSON.stringify(body.json));
    return {
      create: () => bytes,
      replayable: true,
      contentType: "application/json",
      contentLength: bytes.byteLength,
    };
  }
  if ("ndjson" in body) return prepareNdjson(body.ndjson);
  if ("form" in body) {
    const params = body.form instanceof URLSearchParams ? body.form : new URLSearchParams();
    if (!(body.form instanceof URLSearchParams)) {
      for (const [key, value] of Object.entries(body.form)) {
        for (const v of typeof value === "string" ? [value] : value) params.append(key, v);
      }
    }
    const bytes = encoder.encode(params.toString());
    return {
      create: () => bytes,
      replayable: true,
      contentType: "application/x-www-form-urlencoded;charset=UTF-8",
      contentLength: bytes.byteLength,
    };
  }
  return prepareBinary(body.binary, body.contentType, body.contentLength);
}
