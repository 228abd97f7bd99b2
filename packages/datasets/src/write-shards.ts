import { mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { NamedFeature } from "@hfkit/cards";
import { drain, phase } from "@hfkit/http/work";
import * as A from "apache-arrow";
import { BatchEncoder, type Row } from "./encode/batch.js";
import { FeatureInference } from "./encode/infer.js";
import { embedRow, MediaSizeEstimate, mediaInput } from "./encode/media.js";
import { DatasetError, dataError, inputError } from "./errors.js";
import { type Emit, withEvents } from "./events.js";
import { featuresToHuggingfaceJson } from "./features/hf-json.js";
import { containsMedia, isMedia, toFeatureList } from "./features/model.js";
import { jsonlRow, SampledJsonlChunk } from "./inputs/jsonl.js";
import { resolveInput } from "./inputs/resolve.js";
import type { CsvLines, JsonlLines, RowChunk } from "./inputs/source.js";
import {
  checkSplitName,
  DEFAULT_MAX_SHARD_SIZE,
  MAX_ROW_GROUP_ROWS,
  parseSize,
  rowGroupRows,
  shardCountFor,
  shardPath,
  shardRowCounts,
} from "./sharding.js";
import { makeTempDir, type SpilledBatch, SpillFile } from "./spill.js";
import type { DatasetProgressEvent, WriteShardsOptions, WriteShardsResult, WrittenShard } from "./types.js";
import { FramePool } from "./writer/frames.js";
import { createParquetWasmWriter } from "./writer/parquet-wasm.js";
import type { ShardWriter, ShardWriterBackend } from "./writer/shard-writer.js";

/** Arrow bytes per row group by default: small enough that the writer stays in bounded memory. */
export const DEFAULT_ROW_GROUP_BYTES = 16_000_000;

/** Rows per Arrow batch of the first pass. */
const BATCH_ROWS = 8192;

interface Checked {
  split: string;
  dataDir: string;
  maxShardSize: number;
  numShards: number | undefined;
  rowGroupBytes: number;
  inferenceRows: number;
  features: NamedFeature[] | undefined;
}

function check(options: WriteShardsOptions): Checked {
  if (typeof options !== "object" || options === null)
    throw inputError("options", "pass { data, outputDir }");
  if (typeof options.outputDir !== "string" || options.outputDir === "") {
    throw inputError("outputDir", "give the local folder to write the shards to");
  }
  if (options.numShards !== undefined && options.maxShardSize !== undefined) {
    // datasets raises the same way: the two would disagree on the shard count.
    throw inputError("numShards", "give numShards or maxShardSize, not both");
  }
  if (options.numShards !== undefined && !(Number.isInteger(options.numShards) && options.numShards >= 1)) {
    throw inputError("numShards", `must be a whole number ≥ 1; got ${options.numShards}`);
  }
  const dataDir = options.dataDir ?? "data";
  if (typeof dataDir !== "string" || dataDir.startsWith("/") || dataDir.split("/").includes("..")) {
    throw inputError(
      "dataDir",
      `"${dataDir}" must be a relative folder inside the repo, like "data" or "en"`,
    );
  }
  return {
    split: checkSplitName(options.split ?? "train"),
    dataDir: dataDir.replace(/\/+$/, ""),
    maxShardSize: parseSize(options.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE),
    numShards: options.numShards,
    rowGroupBytes: parseSize(options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES, "rowGroupBytes"),
    inferenceRows: options.inferenceRows ?? 10_000,
    features: options.features ? toFeatureList(options.features) : undefined,
  };
}

/** Chunks, after holding back enough rows to infer features when nobody gave them. */
async function settleFeatures(
  chunks: AsyncIterable<RowChunk>,
  features: NamedFeature[] | undefined,
  inferenceRows: number,
): Promise<{ features: NamedFeature[]; chunks: AsyncIterable<RowChunk> }> {
  if (features) return { features, chunks };
  const iterator = chunks[Symbol.asyncIterator]();
  const held: RowChunk[] = [];
  const inference = new FeatureInference();
  let seen = 0;
  while (seen < inferenceRows) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value;
    const jsonl = chunk.jsonl;
    if (jsonl) {
      // JSONL lines are parsed up to the sample's last row only; the writer reads every line from
      // its bytes (see SampledJsonlChunk)
      const parsed: (Row | undefined)[] = [];
      for (let i = 0; i < jsonl.starts.length && seen < inferenceRows; i++) {
        const row = jsonlRow(jsonl, i, chunk.file);
        parsed.push(row);
        if (row !== undefined)
          inference.add(row, { file: chunk.file, line: jsonl.firstLine + i, row: seen++ });
      }
      held.push(new SampledJsonlChunk(chunk.file!, jsonl, parsed));
      continue;
    }
    held.push(chunk);
    chunk.rows.forEach((row, i) => {
      if (seen++ < inferenceRows)
        inference.add(row, { file: chunk.file, line: chunk.lines?.[i], row: seen - 1 });
    });
  }
  async function* all(): AsyncGenerator<RowChunk> {
    yield* held;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { features: inference.features(), chunks: all() };
}

// The per-row loops live in these small functions rather than in `run`, so that V8 optimises
// them on their own. Inlined in `run` (a few hundred lines of closures), the loop made V8 compile
// all of `run` with TurboFan once it got hot (profiled on 50 k JSONL rows: ~45 ms of a
// background thread per process, and thrown away at the end of the input by a deopt).

/** Appends JSONL lines from `from` until the encoder holds a batch or the chunk ends; returns the next line. */
function appendJsonlLines(
  encoder: BatchEncoder,
  jsonl: JsonlLines,
  file: string | undefined,
  from: number,
): number {
  const { buffer, starts, ends, firstLine } = jsonl;
  const cursor = encoder.cursor;
  for (let i = from; i < starts.length; i++) {
    if (starts[i] === ends[i]) continue;
    cursor.line = firstLine + i;
    if (!(jsonl.utf8 && encoder.appendJsonLine(buffer, starts[i]!, ends[i]!))) {
      const row = jsonlRow(jsonl, i, file);
      if (row === undefined) continue;
      encoder.append(row);
    }
    if (encoder.rows >= BATCH_ROWS) return i + 1;
  }
  return starts.length;
}

/** Appends CSV lines from `from` until the encoder holds a batch or the chunk ends; returns the next line. */
function appendCsvLines(encoder: BatchEncoder, csv: CsvLines, from: number): number {
  const lines = csv.lines;
  const cursor = encoder.cursor;
  for (let i = from; i < lines.length; i++) {
    cursor.line = lines[i];
    if (!encoder.appendCsvLine(csv, i)) encoder.append(csv.table.row(csv, i));
    if (encoder.rows >= BATCH_ROWS) return i + 1;
  }
  return lines.length;
}

/** Appends rows of `chunk` from `from` until the encoder holds a batch or the chunk ends; returns the next row. */
function appendRows(encoder: BatchEncoder, chunk: RowChunk, from: number): number {
  const { rows, lines } = chunk;
  for (let i = from; i < rows.length; i++) {
    encoder.cursor.line = lines?.[i];
    encoder.append(rows[i]!);
    if (encoder.rows >= BATCH_ROWS) return i + 1;
  }
  return rows.length;
}

/** Thrown when a split written without a spill turns out to need one: the split is written again, spilled. */
class SpillNeeded extends Error {}

async function run(
  options: WriteShardsOptions,
  checked: Checked,
  emit: Emit,
  signal: AbortSignal,
  backend: ShardWriterBackend,
  pool: FramePool,
  alwaysSpill: boolean,
): Promise<WriteShardsResult> {
  const { split, dataDir } = checked;
  const source = await resolveInput(options.data, {
    ...(checked.features ? { features: checked.features } : {}),
    ...(options.csv ? { csv: options.csv } : {}),
    signal,
  });
  const settled = await settleFeatures(
    source.chunks,
    checked.features ?? source.features,
    checked.inferenceRows,
  );
  const features = settled.features;
  if (features.length === 0)
    throw new DatasetError("INVALID_DATA", "the input has no columns (no rows and no features)");

  const encoder = new BatchEncoder(features);
  const media = features.filter((f) => containsMedia(f.feature));
  const topMedia = features.filter((f) => isMedia(f.feature));
  // datasets sizes media columns before their files are embedded (paths, not bytes).
  const shadow = topMedia.length > 0 ? new BatchEncoder(topMedia) : undefined;
  const estimate = new MediaSizeEstimate(topMedia.map((f) => f.name));
  const embedFiles = options.embedExternalFiles !== false;

  const temp = await makeTempDir(options.tempDir);
  const open: ShardWriter[] = [];
  // The spill's reader, closed in `finally`: the last shard takes its last rows without reading
  // to the end of the file, so the generator would otherwise keep its file handle open.
  let spillReader: AsyncGenerator<SpilledBatch> | undefined;
  const spill = new SpillFile(join(temp.dir, "split.arrows"));
  try {
    const toWriter = backend.layout(encoder.schema);
    const layoutSchema = toWriter(emptyBatch(features)).schema;
    const huggingface = featuresToHuggingfaceJson(features);
    const openWriter = async (path: string, rowGroupRows: number) => {
      await mkdir(dirname(path), { recursive: true });
      const writer = await backend.open({
        path,
        schema: encoder.schema,
        features,
        huggingface,
        rowGroupRows,
        plainColumns: encoder.plainColumns(),
        ...(options.sha256 ? { hash: true } : {}),
      });
      open.push(writer);
      return writer;
    };
    const forget = (writer: ShardWriter) => open.splice(open.indexOf(writer), 1);

    // While the shard count may still be 1, the rows also go straight to a writer in another
    // thread (one pass, both cores busy). It is given up, and the spill used, as soon as the
    // split outgrows `maxShardSize`. Its row groups need their size first: it starts once the
    // first `rowGroupBytes` of Arrow data are in (kept meanwhile), or when the input ends.
    const single = { path: join(options.outputDir, `${shardPath(dataDir, split, 0, 1)}.partial`) };
    // Until `rowGroupBytes` are in, a provisional writer runs with the largest row group: right
    // if the split stays that small (one row group, as datasets), redone from `held` otherwise.
    let provisional = false;
    let speculative: ShardWriter | null | undefined =
      checked.numShards === undefined || checked.numShards === 1 ? undefined : null;
    let held: { ipc: Uint8Array; rows: number }[] = [];
    let groupRows: number | undefined;
    // Rows handed to the (non-provisional) speculative writer.
    let fed = 0;
    const startSpeculative = async (rows: number) => {
      if (speculative) {
        forget(speculative);
        await speculative.abort();
      }
      provisional = false;
      speculative = await openWriter(single.path, rows);
      fed = 0;
      // the held frames are handed over; the writer may take their memory
      for (const frame of held.splice(0)) {
        await speculative.write(frame.ipc, 0, frame.rows);
        fed += frame.rows;
      }
    };
    const giveUp = async () => {
      if (speculative) {
        forget(speculative);
        await speculative.abort();
      }
      speculative = null;
      held = [];
      firstShard = false;
    };

    // Foreseeing the shard count (one plain file of known size, no media): the Arrow bytes so far
    // over the fraction of the file read predict the split's size. When that is clearly over
    // `maxShardSize`, the speculative writer becomes shard 0 of several instead of the single
    // shard: it is fed while it stays under the first shard's predicted row count (less a 3%
    // margin, estimated again at every batch) and topped up from the spill once the real count is
    // known, so the second pass re-reads only the other shards. A wrong guess (shard 0 got more
    // rows than it must hold) costs what every multi-shard split cost before: the writer is
    // dropped and all shards are written from the spill.
    const progress = topMedia.length === 0 ? source.progress : undefined;
    let firstShard = false;
    let topping = true;
    let lastFraction = Number.NaN;
    let provisionalWanted: boolean | undefined;
    const firstShardCap = (bytesSoFar: number): number => {
      const rows = encoder.cursor.row;
      const predictedRows = rows / lastFraction;
      const predictedShards = shardCountFor(bytesSoFar / lastFraction, checked.maxShardSize);
      return Math.floor(0.97 * Math.ceil(predictedRows / predictedShards));
    };

    // The spill is only read for a split of several shards. When the file's size shows that the
    // split will be well under `maxShardSize`, the rest of it is not written (profiled: writing
    // it was ~4% of the main thread on 2 M JSONL rows, and it takes the split's Arrow size on
    // disk). Should the split reach `maxShardSize` after all, the run stops (SpillNeeded) and the
    // split is written again from the start of the file, spilled.
    let spilling: boolean | undefined;
    const flush = async () => {
      const batch = encoder.flushFrame(toWriter, layoutSchema, pool);
      shadow?.flush();
      const bytesSoFar = encoder.nbytes();
      if (batch) {
        if (progress && speculative !== null) {
          const fraction = progress();
          if (fraction > 0 && fraction <= 1) lastFraction = fraction;
        }
        if (alwaysSpill || !progress || checked.numShards !== undefined) spilling = true;
        // Decided once `rowGroupBytes` are in: earlier, the bytes the file stream has read ahead
        // make the prediction too low (by 2-3x at the first batch of 5 M rows). The batches until
        // then are spilled.
        if (spilling === undefined && bytesSoFar >= checked.rowGroupBytes)
          spilling = !(lastFraction > 0 && bytesSoFar / lastFraction < 0.8 * checked.maxShardSize);
        if (
          spilling === false &&
          (bytesSoFar >= checked.maxShardSize || bytesSoFar / lastFraction >= 1.05 * checked.maxShardSize)
        )
          throw new SpillNeeded();
        const { ipc, rows } = batch;
        if (spilling !== false) spill.write(ipc, rows);
        if (progress && speculative !== null) {
          if (
            !firstShard &&
            speculative &&
            !provisional &&
            checked.numShards === undefined &&
            bytesSoFar / lastFraction >= 1.05 * checked.maxShardSize
          )
            firstShard = true;
        }
        if (firstShard && speculative) {
          // shard 0's rows are contiguous: once a batch is cut, the writer gets nothing more
          const take = topping ? Math.min(rows, Math.max(0, firstShardCap(bytesSoFar) - fed)) : 0;
          if (take > 0) await speculative.write(ipc, 0, take);
          if (take < rows) topping = false;
          fed += take;
        } else if (speculative !== null) {
          if (checked.numShards === undefined && bytesSoFar >= checked.maxShardSize) await giveUp();
          else {
            // the spill is done with the frame (written synchronously): the writer may take it
            if (speculative && !provisional) {
              await speculative.write(ipc, 0, rows);
              fed += rows;
            } else {
              // Decided at the first batch: a provisional writer only when the split may fit one
              // row group. When the file's size already shows it is several times larger, the
              // provisional writer's rows would all be encoded twice (profiled: 1/8 of the writer
              // thread's work on 1 M JSONL rows), so the frames are only held until the size is known.
              provisionalWanted ??= !(
                lastFraction > 0 && bytesSoFar / lastFraction >= 2 * checked.rowGroupBytes
              );
              // a frame also handed to the provisional writer is copied: that writer takes its memory
              held.push({ ipc: provisionalWanted ? ipc.slice() : ipc, rows });
              if (bytesSoFar >= checked.rowGroupBytes) {
                groupRows = rowGroupRows(encoder.cursor.row, bytesSoFar, checked.rowGroupBytes);
                await startSpeculative(groupRows);
              } else if (provisionalWanted) {
                if (!speculative) {
                  speculative = await openWriter(single.path, MAX_ROW_GROUP_ROWS);
                  provisional = true;
                }
                await speculative.write(ipc, 0, rows);
              }
            }
          }
        }
      }
      emit({ type: "rows-progress", split, rows: encoder.cursor.row, bytes: bytesSoFar }, `rows:${split}`);
    };
    for await (const chunk of settled.chunks) {
      signal.throwIfAborted();
      const cursor = encoder.cursor;
      cursor.file = chunk.file;
      // JSONL lines not parsed yet: read from their bytes into the columns, JSON.parse for the rest
      const jsonl = media.length === 0 ? chunk.jsonl : undefined;
      if (jsonl) {
        for (let i = 0; i < jsonl.starts.length; ) {
          i = appendJsonlLines(encoder, jsonl, chunk.file, i);
          if (encoder.rows >= BATCH_ROWS) await flush();
        }
        continue;
      }
      // CSV lines whose rows are not made yet: read from their bytes into the columns, the
      // string path for the rest
      const csv = media.length === 0 ? chunk.csv : undefined;
      if (csv) {
        for (let i = 0; i < csv.lines.length; ) {
          i = appendCsvLines(encoder, csv, i);
          if (encoder.rows >= BATCH_ROWS) await flush();
        }
        continue;
      }
      if (media.length === 0) {
        for (let i = 0; i < chunk.rows.length; ) {
          i = appendRows(encoder, chunk, i);
          if (encoder.rows >= BATCH_ROWS) await flush();
        }
        continue;
      }
      // rows with media: their files are read (and sized) as they come
      for (let i = 0; i < chunk.rows.length; i++) {
        let row = chunk.rows[i]!;
        cursor.line = chunk.lines?.[i];
        if (shadow) {
          await estimate.add(row);
          const pre: Row = {};
          for (const f of topMedia) {
            try {
              pre[f.name] = mediaInput(row[f.name]);
            } catch (error) {
              throw dataError({ ...cursor, column: f.name }, (error as Error).message);
            }
          }
          shadow.append(pre);
        }
        row = await embedRow(row, media, embedFiles, cursor);
        encoder.append(row);
        if (encoder.rows >= BATCH_ROWS) await flush();
      }
    }
    await flush();
    spill.close();

    const numRows = encoder.cursor.row;
    const mediaNames = new Set(topMedia.map((f) => f.name));
    const numBytes = shadow
      ? encoder.nbytes() - encoder.nbytes(mediaNames) + shadow.nbytes() + estimate.total(numRows)
      : encoder.nbytes();
    const numShards = checked.numShards ?? shardCountFor(numBytes, checked.maxShardSize);
    // datasets' rule over the whole split when it fits in one row group's budget; otherwise the
    // size fixed from the first `rowGroupBytes` (see rowGroupRows).
    groupRows ??= rowGroupRows(numRows, numBytes, checked.rowGroupBytes);
    emit({ type: "shards-planned", split, features, numShards, numRows, numBytes, rowGroupRows: groupRows });

    const counts = shardRowCounts(numRows, numShards);
    const shards: WrittenShard[] = [];
    const finish = async (
      writer: ShardWriter,
      index: number,
      localPath: string,
      pathInRepo: string,
      writtenAt?: string,
    ) => {
      const bytes = await writer.close();
      forget(writer);
      if (writtenAt) await rename(writtenAt, localPath);
      const sha256 = writer.sha256?.();
      const shard: WrittenShard = {
        index,
        numShards,
        pathInRepo,
        localPath,
        rows: counts[index]!,
        bytes,
        ...(sha256 !== undefined ? { sha256 } : {}),
      };
      shards.push(shard);
      emit({ type: "shard-written", split, shard });
      await options.onShard?.(shard);
    };

    if (numShards === 1 && speculative !== null && numRows > 0 && !firstShard) {
      // the provisional writer is right when the whole split fits one row group budget
      if (speculative === undefined || (provisional && groupRows < Math.min(numRows, MAX_ROW_GROUP_ROWS))) {
        await startSpeculative(groupRows);
      }
      const pathInRepo = shardPath(dataDir, split, 0, 1);
      const localPath = join(options.outputDir, pathInRepo);
      await phase("datasets.shard", { split, shard: 0, path: pathInRepo }, async () => {
        const writer = speculative as unknown as ShardWriter;
        emit({ type: "shard-progress", split, index: 0, rows: numRows }, `shard:${split}`);
        const bytes = await writer.close();
        forget(writer);
        await rename(single.path, localPath);
        const sha256 = writer.sha256?.();
        const shard: WrittenShard = {
          index: 0,
          numShards,
          pathInRepo,
          localPath,
          rows: numRows,
          bytes,
          ...(sha256 !== undefined ? { sha256 } : {}),
        };
        shards.push(shard);
        emit({ type: "shard-written", split, shard });
        await options.onShard?.(shard);
      });
    } else {
      if (spilling === false) throw new SpillNeeded();
      // shard 0's writer when the foreseen count held: it has its first `fed` rows already
      const reuse = firstShard && speculative && fed <= counts[0]! ? (speculative as ShardWriter) : undefined;
      if (!reuse) await giveUp();
      const shardGroupRows = groupRows; // fixed above; a const keeps its type inside the shard spans
      // Second pass over the spill, one shard at a time: the writer thread encodes while this one
      // reads the spill. (Two shards at once would be faster on two cores, but each writer
      // holds a row group and its own wasm heap, which breaks the memory bound.)
      // shard 0's reused writer has its first `fed` rows: reading starts at the frame holding
      // the next one, and only that frame's earlier rows are skipped
      const resumeAt = reuse ? spill.frameStart(fed) : 0;
      const batches = spill.read(resumeAt, pool);
      spillReader = batches;
      let current: SpilledBatch | undefined;
      let used = 0;
      for (let index = 0; index < numShards; index++) {
        const pathInRepo = shardPath(dataDir, split, index, numShards);
        const localPath = join(options.outputDir, pathInRepo);
        // A span per shard (datasets.shard), so a trace shows which shard took the time.
        await phase("datasets.shard", { split, shard: index, path: pathInRepo }, async () => {
          const reused = index === 0 ? reuse : undefined;
          const writer = reused ?? (await openWriter(localPath, shardGroupRows));
          // rows the writer has already, and of those the ones in the frames read from resumeAt
          const has = reused ? fed : 0;
          let skip = reused ? fed - resumeAt : 0;
          let remaining = counts[index]! - has;
          let written = has;
          while (remaining > 0 || skip > 0) {
            signal.throwIfAborted();
            if (!current || used >= current.rows) {
              const next = await batches.next();
              if (next.done) throw new Error("the temporary Arrow file ended early");
              current = next.value;
              used = 0;
            }
            if (skip > 0) {
              // rows the reused writer already has
              const step = Math.min(skip, current.rows - used);
              used += step;
              skip -= step;
              continue;
            }
            const take = Math.min(remaining, current.rows - used);
            // The writer takes the frame's memory over; a frame shared with the next shard is copied.
            await writer.write(used + take === current.rows ? current.ipc : current.ipc.slice(), used, take);
            used += take;
            remaining -= take;
            written += take;
            emit({ type: "shard-progress", split, index, rows: written }, `shard:${split}`);
          }
          if (counts[index] === 0) {
            await writer.write(
              A.tableToIPC(new A.Table([toWriter(emptyBatch(encoder.features))]), "stream"),
              0,
              0,
            );
          }
          await finish(writer, index, localPath, pathInRepo, reused ? single.path : undefined);
        });
      }
    }
    const downloadSize = shards.reduce((sum, s) => sum + s.bytes, 0);
    return {
      split,
      dataDir,
      features,
      shards,
      numExamples: numRows,
      numBytes,
      downloadSize,
      splitInfo: { name: split, numBytes, numExamples: numRows },
      rowGroupRows: groupRows,
      huggingface,
    };
  } finally {
    await spillReader?.return(undefined);
    // on failure or abort: stop the writers and remove their partial files
    for (const writer of open.splice(0)) await writer.abort().catch(() => undefined);
    spill.close();
    await temp.dispose();
  }
}

/** A zero-row batch of the schema: datasets writes such shards when there are more shards than rows. */
function emptyBatch(features: readonly NamedFeature[]): A.RecordBatch {
  return new BatchEncoder(features).flush(true)!;
}

/**
 * Writes one split as Parquet shards exactly as `datasets.push_to_hub` cuts and names them,
 * yielding `rows-progress`, `shards-planned`, `shard-progress` and `shard-written` events, and
 * returning the shards with the split's sizes for the card. Memory stays bounded: rows are
 * encoded in batches and spilled to a temporary Arrow file until the shard count is known.
 */
export async function* writeShardsIter(
  options: WriteShardsOptions,
): AsyncGenerator<DatasetProgressEvent, WriteShardsResult> {
  const checked = check(options);
  return yield* withEvents(options.signal, checked.split, async (emit, signal) => {
    const writer = startShardWriter();
    try {
      return await runSplit(options, checked, emit, signal, writer);
    } finally {
      // the one place the writer thread stops: after a success, a failure, or an input that
      // fails before the first batch (the thread was warmed at the start)
      await writer.backend.dispose();
    }
  });
}

/** The writer thread of a run and the frame buffers it hands back. */
export interface SplitWriter {
  backend: ShardWriterBackend;
  pool: FramePool;
}

/**
 * A writer whose thread starts now; the caller disposes it (`backend.dispose()`). The thread and
 * its 15 MB wasm module load while the first rows are read and inferred (profiled on 50 k rows:
 * the main thread otherwise waited ~0.3 s for it at the first batch).
 */
export function startShardWriter(): SplitWriter {
  const pool = new FramePool();
  const backend = createParquetWasmWriter({ recycle: (buffer) => pool.recycle(buffer) });
  backend.warm?.();
  return { backend, pool };
}

async function runSplit(
  options: WriteShardsOptions,
  checked: Checked,
  emit: Emit,
  signal: AbortSignal,
  { backend, pool }: SplitWriter,
): Promise<WriteShardsResult> {
  try {
    return await run(options, checked, emit, signal, backend, pool, false);
  } catch (error) {
    if (!(error instanceof SpillNeeded)) throw error;
    // rows-progress starts again from 0: the file is read again from its start
    return await run(options, checked, emit, signal, backend, pool, true);
  }
}

/**
 * {@link writeShardsIter} on a writer the caller started (`startShardWriter`) and disposes: a
 * push starts its thread before anything else, so that the thread loads while the push's first
 * request is made, and one thread writes every split.
 */
export async function* writeShardsWith(
  options: WriteShardsOptions,
  writer: SplitWriter,
): AsyncGenerator<DatasetProgressEvent, WriteShardsResult> {
  const checked = check(options);
  return yield* withEvents(options.signal, checked.split, (emit, signal) =>
    runSplit(options, checked, emit, signal, writer),
  );
}

/**
 * Writes one split as Parquet shards (see {@link writeShardsIter} for progress events).
 *
 * @example
 * import { ClassLabel, Value, writeShards } from "@hfkit/datasets";
 *
 * const result = await writeShards({
 *   data: [{ text: "great", label: "pos" }, { text: "awful", label: "neg" }],
 *   features: { text: Value("string"), label: ClassLabel({ names: ["neg", "pos"] }) },
 *   outputDir: "./out",
 * });
 * console.log(result.shards.map((s) => s.pathInRepo)); // ["data/train-00000-of-00001.parquet"]
 */
export async function writeShards(options: WriteShardsOptions): Promise<WriteShardsResult> {
  return drain(writeShardsIter(options));
}
