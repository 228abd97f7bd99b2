import { type HubClient, InvalidInputError, InvalidResponseError, type RepoDesignation } from "@hfkit/http";
import { type CasClient, createCasClient, hubXetTokenSource, type XetTokenSource } from "./cas-client.js";
import { fetchXorbRanges } from "./fetch-xorb-ranges.js";
import { getReconstruction, type ReconstructionTerm, type XorbByteRange } from "./get-reconstruction.js";
import { hashToHex, hexToHash, loadXetHashes, type XetHash } from "./hash.js";
import { decodeXorbChunks } from "./xorb.js";

export interface ReadXetFileOptions {
  /** The Xet file hash (string form), e.g. from `X-Xet-Hash` on `/resolve` or a tree entry's `xetHash`. */
  fileHash: string;
  /** The repo the read token is asked for. Not needed with `cas` or `tokenSource`. */
  repo?: RepoDesignation;
  /** Revision the read token is asked for. Default `main`. */
  revision?: string;
  /** Where CAS tokens come from. Default: the Hub's `xet-read-token` for `repo` and `revision`. */
  tokenSource?: XetTokenSource;
  /** A CAS client to reuse (several files read with one token). */
  cas?: CasClient;
  /** Bytes `[start, end)` only. An end past the file's end stops at the end. */
  range?: { start: number; end: number };
  /** Xorb fetches in flight ahead of the bytes being yielded. Default 4. */
  concurrency?: number;
  /**
   * Hash the chunks read and compare the file hash at the end (whole-file reads only; the
   * last read rejects on a mismatch). Default true.
   */
  verify?: boolean;
  /** Bytes of the file yielded so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

interface Unit {
  xorb: string;
  url: string;
  ranges: XorbByteRange[];
  /** Terms that still need it; its bytes are dropped after the last. */
  users: number;
  loaded?: Promise<Map<number, Uint8Array>>;
}

/**
 * Reads a file from Xet storage, in order, as a stream of bytes: asks the CAS for the file's
 * reconstruction, fetches the xorb ranges it names (several at once, each with one ranged
 * request), decodes the chunks and yields each term's bytes as soon as it is complete.
 * Memory holds the ranges in flight and those still needed by a later term.
 *
 * @example
 * const out = createWriteStream("model.safetensors");
 * for await (const bytes of readXetFile(hub, { repo: "me/model", fileHash })) out.write(bytes);
 */
export async function* readXetFile(
  client: HubClient,
  options: ReadXetFileOptions,
): AsyncGenerator<Uint8Array> {
  const fileHash = hexToHash(options.fileHash, "fileHash");
  const concurrency = options.concurrency ?? 4;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new InvalidInputError(`concurrency: a positive integer, not ${concurrency}.`, {
      field: "concurrency",
    });
  }
  if (!options.cas && !options.tokenSource && options.repo === undefined) {
    throw new InvalidInputError(
      "repo: needed to ask the Hub for a read token (or pass cas or tokenSource).",
      {
        field: "repo",
      },
    );
  }
  // The empty file: no chunks, nothing stored, nothing to ask.
  if (fileHash.every((b) => b === 0)) return;
  const cas =
    options.cas ??
    createCasClient(
      client,
      options.tokenSource ??
        hubXetTokenSource(client, {
          repo: options.repo as RepoDesignation,
          scope: "read",
          revision: options.revision,
        }),
    );
  const { signal } = options;
  const reconstruction = await getReconstruction(cas, {
    fileHash: options.fileHash,
    range: options.range,
    signal,
  });
  const { terms } = reconstruction;

  // Which fetch units each term needs (a term may span ranges; several terms may share one).
  const units: Unit[] = [];
  const unitIndex = new Map<string, Unit>();
  const needs: Unit[][] = terms.map((term) => {
    const fetches = reconstruction.fetches.get(term.xorbHash) ?? [];
    const found: Unit[] = [];
    for (const fetch of fetches) {
      if (!fetch.ranges.some((r) => r.chunkStart < term.chunkEnd && r.chunkEnd > term.chunkStart)) continue;
      const key = `${term.xorbHash} ${fetch.url}`;
      let unit = unitIndex.get(key);
      if (!unit) {
        unit = { xorb: term.xorbHash, url: fetch.url, ranges: fetch.ranges, users: 0 };
        unitIndex.set(key, unit);
        units.push(unit);
      }
      unit.users++;
      found.push(unit);
    }
    return found;
  });

  let started = 0;
  const load = (unit: Unit) => {
    unit.loaded ??= fetchXorbRanges(client, { url: unit.url, ranges: unit.ranges, signal }).then((parts) => {
      const chunks = new Map<number, Uint8Array>();
      parts.forEach((bytes, i) => {
        const range = unit.ranges[i] as XorbByteRange;
        const count = range.chunkEnd - range.chunkStart;
        const { data, offsets } = decodeXorbChunks(bytes, count);
        for (let c = 0; c < count; c++) {
          chunks.set(range.chunkStart + c, data.subarray(offsets[c], offsets[c + 1]));
        }
      });
      return chunks;
    });
    // A failure is reported when the term that needs it is reached.
    unit.loaded.catch(() => {});
    return unit.loaded;
  };

  const verify = (options.verify ?? true) && !options.range;
  const hashes = verify ? await loadXetHashes() : undefined;
  const chunkHashes: { hash: XetHash; size: number }[] = [];
  let skip = reconstruction.offsetIntoFirstRange;
  let remaining = options.range ? options.range.end - options.range.start : Number.POSITIVE_INFINITY;
  let yielded = 0;

  for (const [t, term] of terms.entries()) {
    const needed = needs[t] as Unit[];
    const last = Math.max(0, ...needed.map((u) => units.indexOf(u)));
    // Keep `concurrency` fetches going ahead of the term being assembled.
    while (started < units.length && started <= last + concurrency - 1) load(units[started++] as Unit);
    const chunkMaps = await Promise.all(needed.map(load));
    const pieces = termChunks(term, chunkMaps);
    const total = pieces.reduce((sum, p) => sum + p.byteLength, 0);
    if (total !== term.size) {
      throw new InvalidResponseError(
        `Xet reconstruction of ${options.fileHash}: term ${t} decodes to ${total} bytes, the CAS announced ${term.size}.`,
      );
    }
    for (const unit of needed) if (--unit.users === 0) unit.loaded = Promise.resolve(new Map());
    for (let piece of pieces) {
      if (hashes) chunkHashes.push({ hash: hashes.chunk(piece), size: piece.byteLength });
      if (skip >= piece.byteLength) {
        skip -= piece.byteLength;
        continue;
      }
      if (skip > 0) {
        piece = piece.subarray(skip);
        skip = 0;
      }
      if (piece.byteLength > remaining) piece = piece.subarray(0, remaining);
      if (piece.byteLength === 0) continue;
      remaining -= piece.byteLength;
      yielded += piece.byteLength;
      signal?.throwIfAborted();
      yield piece;
      options.onProgress?.(yielded);
    }
  }
  if (hashes) {
    const got = hashToHex(hashes.file(chunkHashes));
    if (got !== options.fileHash.toLowerCase()) {
      throw new InvalidResponseError(
        `Xet download of ${options.fileHash} does not verify: its chunks hash to ${got}. Try again; report it if it persists.`,
      );
    }
  }
}

/** The decoded chunks of one term, in order. */
function termChunks(term: ReconstructionTerm, maps: readonly Map<number, Uint8Array>[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let c = term.chunkStart; c < term.chunkEnd; c++) {
    const chunk = maps.map((m) => m.get(c)).find((x) => x !== undefined);
    if (!chunk) {
      throw new InvalidResponseError(
        `Xet reconstruction names chunk ${c} of xorb ${term.xorbHash}, which no fetch covers.`,
      );
    }
    out.push(chunk);
  }
  return out;
}
