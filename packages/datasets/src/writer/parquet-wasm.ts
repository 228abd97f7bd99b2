import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Feature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { containsMedia } from "../features/model.js";
import { VERSION } from "../version.js";
import { ownsBuffer } from "./frames.js";
import { GrowingFileHash } from "./growing-hash.js";
import type { ShardWriter, ShardWriterBackend, ShardWriterOptions } from "./shard-writer.js";

type ParquetWasm = typeof import("parquet-wasm");
let wasm: Promise<ParquetWasm> | undefined;

/** parquet-wasm, loaded on first use (its 15 MB module is compiled once per process). */
export function loadParquetWasm(): Promise<ParquetWasm> {
  wasm ??= import("parquet-wasm");
  return wasm;
}

/**
 * parquet-wasm's module as the first writer thread of the process compiled it, handed to the
 * later ones (a push's next split, the next writeShards). Profiled on 20 k JSONL rows: a thread
 * with its own copy ran its first rows in unoptimised code again (writeShards' second call in a
 * process took as much CPU as the first); with this one, about half.
 */
let sharedModule: object | undefined;

function isNested(feature: Feature): boolean {
  return ["list", "largeList", "struct", "array", "translation", "translationVariableLanguages"].includes(
    feature.type,
  );
}

// pyarrow writes list leaves as `list`/`element` (the Parquet spec's names; golden
// parquet-schema.txt) and reads them back as `list<element: …>`. arrow-rs names the leaf after
// the Arrow child, so the batches are handed over with children renamed `element` (same
// buffers; `featuresToArrowSchema` keeps `item`, as `features.arrow_schema` in Python).
//
// Parquet has no date64, seconds timestamps or seconds times: pyarrow stores them as DATE
// (days), TIMESTAMP(MILLIS) and TIME(MILLIS) and reads them back as date32, timestamp[ms] and
// time32[ms]. The same conversion here makes pyarrow read hfkit's shards as it reads its own.
function elementNames(type: A.DataType): A.DataType {
  const children = (type.children ?? []) as A.Field[];
  const field = (f: A.Field, name = f.name) =>
    new A.Field(name, elementNames(f.type), f.nullable, f.metadata);
  if (type.typeId === A.Type.Date && (type as A.Date_).unit === A.DateUnit.MILLISECOND)
    return new A.DateDay();
  if (type.typeId === A.Type.Timestamp && (type as A.Timestamp).unit === A.TimeUnit.SECOND) {
    return new A.Timestamp(A.TimeUnit.MILLISECOND, (type as A.Timestamp).timezone);
  }
  if (type.typeId === A.Type.Time && (type as A.Time).unit === A.TimeUnit.SECOND)
    return new A.TimeMillisecond();
  switch (type.typeId) {
    case A.Type.List:
      return new A.List(field(children[0]!, "element"));
    case A.Type.LargeList:
      return new A.LargeList(field(children[0]!, "element"));
    case A.Type.FixedSizeList:
      return new A.FixedSizeList((type as A.FixedSizeList).listSize, field(children[0]!, "element"));
    case A.Type.Struct:
      return new A.Struct(children.map((c) => field(c)));
    default:
      return type;
  }
}

function convertValues(data: A.Data, type: A.DataType): A.Data {
  const values = data.values as unknown as ArrayLike<number | bigint>;
  const n = data.length;
  let converted: Int32Array | BigInt64Array;
  if (type.typeId === A.Type.Date) {
    converted = new Int32Array(n);
    for (let i = 0; i < n; i++) converted[i] = Math.floor(Number(values[i]) / 86_400_000);
  } else if (type.typeId === A.Type.Timestamp) {
    converted = new BigInt64Array(n);
    for (let i = 0; i < n; i++) converted[i] = BigInt(values[i]!) * 1000n;
  } else {
    converted = new Int32Array(n);
    for (let i = 0; i < n; i++) converted[i] = Number(values[i]) * 1000;
  }
  return A.makeData({
    type: type as A.DateDay,
    length: n,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    offset: data.offset,
    data: converted as Int32Array,
  } as never);
}

function retype(data: A.Data, type: A.DataType): A.Data {
  if (type === data.type) return data;
  if (
    type.typeId !== data.type.typeId ||
    (type.typeId === A.Type.Timestamp && (type as A.Timestamp).unit !== (data.type as A.Timestamp).unit) ||
    (type.typeId === A.Type.Time && (type as A.Time).unit !== (data.type as A.Time).unit) ||
    (type.typeId === A.Type.Date && (type as A.Date_).unit !== (data.type as A.Date_).unit)
  ) {
    return convertValues(data, type);
  }
  const childTypes = ((type.children ?? []) as A.Field[]).map((f) => f.type);
  const children = data.children.map((c, i) => retype(c, childTypes[i]!));
  return new A.Data(type, data.offset, data.length, data.nullCount, data.buffers as never, children);
}

function pyarrowLayout(schema: A.Schema): {
  schema: A.Schema;
  convert: (batch: A.RecordBatch) => A.RecordBatch;
} {
  const fields = schema.fields.map((f) => new A.Field(f.name, elementNames(f.type), f.nullable, f.metadata));
  const renamed = new A.Schema(fields, schema.metadata);
  const struct = new A.Struct(fields);
  return {
    schema: renamed,
    convert: (batch) => new A.RecordBatch(renamed, retype(batch.data, struct) as A.Data<A.Struct>),
  };
}

// The encoder runs in a worker thread, so that parsing and encoding rows (main thread) and
// writing Parquet (worker) use both cores. One worker serves every shard of a run, one file at a
// time: its wasm heap grows to one row group's needs and is reused, never duplicated. Its code is
// a string, as in @hfkit/commit's hash pool, so it runs the same from the sources (tests) and
// from the bundle; it loads parquet-wasm's Node build by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const v8 = require("node:v8");
// Output chunks in reused buffers. arrow-rs hands each finished row group (~10 MB) to JS through
// one import of parquet-wasm's bindings, which copies it into a fresh Uint8Array: fresh pages,
// faulted in and zeroed every time, then garbage (profiled on 1 M JSONL rows: 13.6% of this
// thread, plus a full collection per chunk to keep the heap from growing). The import is
// wrapped while parquet-wasm instantiates its module (in this thread only, then put back), so
// that large chunks are copied into buffers of this pool instead, which go back to the pool once
// written (measured on this VM: a fresh 11 MB copy ~50 ms, into a reused buffer ~1 ms; about four
// chunks are in flight between arrow-rs, the stream and the write, so the pool keeps four). A
// buffer is reused only after the loop below has written the very view it was lent
// as, so nothing else that might receive one can see it change. Only the import's (pointer,
// length) ABI is relied on (the package pins parquet-wasm's exact version; another version whose
// bindings lack the import fails here, by name, rather than silently copying again).
const POOLED_MIN = 64 * 1024;
const pool = { free: [], lent: new WeakSet(), memory: undefined };
function pooledCopy(ptr, len) {
  const from = new Uint8Array(pool.memory.buffer, ptr >>> 0, len);
  if (len < POOLED_MIN) return from.slice();
  const at = pool.free.findIndex((b) => b.byteLength >= len);
  // Room for row groups a little larger than this one, so buffers are rarely replaced.
  const buffer = at >= 0 ? pool.free.splice(at, 1)[0] : new ArrayBuffer(Math.ceil((len * 1.25) / 65536) * 65536);
  if (at < 0 && pool.free.length > 0) pool.free.shift();
  const view = new Uint8Array(buffer, 0, len);
  view.set(from);
  pool.lent.add(view);
  return view;
}
function release(chunk) {
  if (!pool.lent.delete(chunk)) return;
  pool.free.push(chunk.buffer);
  if (pool.free.length > 4) pool.free.shift();
}
// parquet-wasm's compiled module is shared by the writer threads of a process: the first
// thread compiles it (its bindings' own "new WebAssembly.Module(bytes)") and posts it to the
// main thread, which hands it to the next threads (workerData.module). They then run the
// machine code V8 has already optimised rather than compiling and warming a copy of their own.
// With workerData.tieringBudget, V8's tier-up budget is raised while this module compiles (V8
// 11.3 gives a module its budgets then) and put back at once: see wasmTieringBudget.
function loadParquetWasm(path, compiled) {
  const Instance = WebAssembly.Instance;
  const Module = WebAssembly.Module;
  let shared = compiled;
  WebAssembly.Module = function (bytes) {
    if (!shared) {
      const budget = workerData.tieringBudget;
      if (budget) v8.setFlagsFromString("--wasm-tiering-budget=" + budget.compile);
      if (budget && budget.lazyValidation) v8.setFlagsFromString("--wasm-lazy-validation");
      try {
        shared = new Module(bytes);
      } finally {
        if (budget) v8.setFlagsFromString("--wasm-tiering-budget=" + budget.restore);
        if (budget && budget.lazyValidation) v8.setFlagsFromString("--no-wasm-lazy-validation");
      }
    }
    return shared;
  };
  WebAssembly.Instance = function (module, imports) {
    const bindings = imports && imports["./parquet_wasm_bg.js"];
    const name = bindings && Object.keys(bindings).find((key) => key.startsWith("__wbg_new_from_slice_"));
    if (!name) {
      throw new Error("parquet-wasm's bindings have no __wbg_new_from_slice_* import: @hfkit/datasets needs the parquet-wasm version in its package.json (0.8.0)");
    }
    bindings[name] = pooledCopy;
    const instance = new Instance(module, imports);
    pool.memory = instance.exports.memory;
    return instance;
  };
  try {
    const bindings = require(path);
    if (!compiled) parentPort.postMessage({ type: "module", module: shared });
    return bindings;
  } finally {
    WebAssembly.Instance = Instance;
    WebAssembly.Module = Module;
  }
}
const pw = loadParquetWasm(workerData.parquetWasm, workerData.module);
// The error a released stream reader's "closed" rejects with is made once per thread, when a
// reader is first released, in a V8 context of its own (Node's webstreams; profiled: ~9 ms of this
// thread). parquet-wasm releases its input stream's reader as a file ends, so a small push's
// shard waited for it at its close; made here, it is made while the thread waits for its rows.
new ReadableStream().getReader().releaseLock();
let current;
const ACK_EVERY = workerData.ackEvery;
function ack(file) {
  if (file.done.length === 0) return;
  const buffers = file.done;
  file.done = [];
  parentPort.postMessage({ type: "ack", id: file.id, buffers }, buffers);
}
function start({ id, config: c }) {
  const file = { id, queue: [], done: [], wake: undefined, closed: false, aborted: false };
  current = file;
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.UNCOMPRESSED)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(c.rowGroupRows)
    .setCreatedBy(c.createdBy)
    .setKeyValueMetadata(new Map([["huggingface", c.huggingface]]));
  for (const name of c.snappyColumns) {
    props = props
      .setColumnCompression(name, pw.Compression.SNAPPY)
      .setColumnDictionaryEnabled(name, !c.plainColumns.includes(name));
  }
  const source = new ReadableStream({
    async pull(controller) {
      // A turn of this thread's event loop before each frame. arrow-rs's stream runs on promise
      // jobs: while frames are queued it would take them one after the other without one, so the
      // completion of a row group's write (and the next row group's write, and the "written" the
      // main thread hashes by) waited until the queue ran dry. Profiled on a 2 M-row push: at the
      // close 3-4 row groups (~40 MB) were encoded but not yet written, hashed after it.
      await new Promise((resolve) => setImmediate(resolve));
      while (file.queue.length === 0 && !file.closed) await new Promise((resolve) => (file.wake = resolve));
      const next = file.aborted ? undefined : file.queue.shift();
      if (!next) return controller.close();
      // wasm memory is freed explicitly: the worker's small JS heap would rarely run the
      // finalizers that free it otherwise, and the heap would grow with every batch
      const table = pw.Table.fromIPCStream(next.ipc);
      const batches = table.recordBatches();
      table.free();
      for (const batch of batches) {
        if (next.offset === 0 && next.length === batch.numRows) controller.enqueue(batch);
        else {
          controller.enqueue(batch.slice(next.offset, next.length));
          batch.free();
        }
      }
      // The frame is in wasm memory now: its buffer goes back to be filled again. Acks go in
      // batches (profiled on 1 M JSONL rows, one message per frame was ~4% of this thread: each
      // wakes the main thread, which on a loaded 2-core VM takes this thread's core); one goes at
      // once when nothing more is queued, as the main thread may then be waiting for it.
      file.done.push(next.ipc.buffer);
      if (file.done.length >= ACK_EVERY || file.queue.length === 0) ack(file);
    },
  });
  (async () => {
    const fd = fs.openSync(c.path, "w");
    let bytes = 0;
    // Each chunk (a row group) is written by libuv's pool while this thread encodes the next
    // one: the copy into the page cache was ~6% of this thread when written in line. At most one
    // write is in flight, so chunks land in order and at most two are held.
    let writing = Promise.resolve();
    try {
      const output = await pw.transformParquetStream(source, props.build());
      for await (const chunk of output) {
        await writing;
        bytes += chunk.length;
        if (file.aborted) release(chunk);
        else {
          const end = bytes;
          // The main thread may hash the file as it grows (c.report): bytes [0, end) are final.
          writing = writeAll(fd, chunk).then(() => {
            release(chunk);
            if (c.report && !file.aborted) parentPort.postMessage({ type: "written", id, bytes: end });
          });
        }
      }
      await writing;
    } finally {
      await writing.catch(() => undefined);
      fs.closeSync(fd);
      if (file.aborted) fs.rmSync(c.path, { force: true });
    }
    ack(file);
    parentPort.postMessage({ type: "done", id, bytes });
  })().catch((error) => parentPort.postMessage({ type: "error", id, message: String((error && error.message) || error) }));
}
async function writeAll(fd, chunk) {
  for (let at = 0; at < chunk.length; ) {
    at += await new Promise((resolve, reject) =>
      fs.write(fd, chunk, at, chunk.length - at, null, (error, n) => (error ? reject(error) : resolve(n))),
    );
  }
}
parentPort.on("message", (message) => {
  if (message.type === "open") return start(message);
  const file = current;
  if (!file || file.id !== message.id) return;
  if (message.type === "write") file.queue.push(message);
  else {
    file.closed = true;
    if (message.type === "abort") file.aborted = true;
  }
  const wake = file.wake;
  file.wake = undefined;
  if (wake) wake();
});
`;

/**
 * V8's budget before a wasm function is recompiled with TurboFan ("bytes executed"), raised while
 * parquet-wasm's module compiles: 100 times Node 20's default. Node 20's V8 (11.3) sends a
 * function to TurboFan after ~1.8 M bytes of it ran, so a small split (50 k JSONL rows) had
 * ~80-100 ms of arrow-rs compiled by TurboFan on V8's threads in every process, for code that
 * ran a few ms more before the split ended; on two cores that CPU came out of the two threads
 * that do the work. With this budget the functions of a small split stay in Liftoff's code, and
 * the hot ones of a large split still reach TurboFan within its first second (measured in
 * docs/adr/0013-parquet-shard-writer.md). Later V8s raised their own default (13 M).
 */
const RAISED_TIERING_BUDGET = 180_000_000;

/** Node 20's V8 default for `--wasm-tiering-budget` (flag-definitions.h of V8 11.3). */
const V8_11_TIERING_BUDGET = 1_800_000;

/**
 * The tier-up budget the first writer thread compiles parquet-wasm's module with, and the value
 * it puts back right after (V8 flags are the process's): only on Node 20's V8 (11.3, where the
 * budget is read at compile time and its default is known), and never when the process was
 * started with a flag of its own about wasm tier-up. With `lazyValidation`, the module's
 * functions are also validated as they are first compiled (V8's `--wasm-lazy-validation`, off
 * again right after) rather than all 5 MB of them up front: measured in a cold thread on this
 * VM, `new WebAssembly.Module` of parquet-wasm took 18-19 ms, 5.5-8.6 ms with it; a thread only
 * compiles the functions it runs, and a small push waits for the thread (profiled on 20 k rows).
 */
export function wasmTieringBudget(
  v8Version: string = process.versions.v8,
  flags: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)],
): { compile: number; restore: number; lazyValidation: boolean } | undefined {
  if (!/^11\.3\./.test(v8Version)) return undefined;
  const own = flags.some((flag) =>
    /^--(no-)?(wasm[-_]tiering[-_]budget|liftoff[-_]only|liftoff|wasm[-_]tier[-_]up|wasm[-_]dynamic[-_]tiering)(=|$)/.test(
      flag,
    ),
  );
  const ownValidation = flags.some((flag) => /^--(no-)?wasm[-_]lazy[-_]validation(=|$)/.test(flag));
  return own
    ? undefined
    : { compile: RAISED_TIERING_BUDGET, restore: V8_11_TIERING_BUDGET, lazyValidation: !ownValidation };
}

/** Frames the writer thread reads before it hands their buffers back in one message. */
const ACK_EVERY = 2;

/** Top-level columns pyarrow writes with snappy and a dictionary for datasets: the flat, non-media ones. */
function snappyColumns(options: ShardWriterOptions): string[] {
  return options.features
    .filter(({ feature }) => !isNested(feature) && !containsMedia(feature))
    .map(({ name }) => name);
}

interface Reply {
  type: "ack" | "written" | "done" | "error" | "module";
  id: number;
  /** With module: parquet-wasm's compiled module (once, from a thread that compiled it). */
  module?: object;
  /** With an ack: the buffers of the frames read since the last ack, free again. */
  buffers?: ArrayBuffer[];
  /** With written: bytes of the file on disk so far; with done: its size. */
  bytes?: number;
  message?: string;
}

/**
 * Detaches an empty ArrayBuffer (transfers it): V8's optimised code reads typed arrays without
 * checking for a detached buffer until the first buffer of the process is detached, and then
 * throws all such code away at once. The writer detaches a buffer with its first frame (frames
 * are transferred to its thread), by which time the JSONL reader and the column builders were
 * optimised: ~20 functions went back to the interpreter and were compiled again (`--trace-deopt`
 * on a 2 M-row push, issue 12). Done before the first row is read, that happens to nothing.
 */
function settleDetachState(): void {
  const buffer = new ArrayBuffer(0);
  structuredClone(buffer, { transfer: [buffer] });
}

/**
 * Writes shards with parquet-wasm (arrow-rs) in one worker thread, fed the spilled Arrow IPC
 * batches as they are. `dispose` stops the worker.
 */
export function createParquetWasmWriter(
  backendOptions: { recycle?: (buffer: ArrayBuffer) => void } = {},
): ShardWriterBackend {
  settleDetachState();
  let worker: Worker | undefined;
  let nextId = 0;
  const listeners = new Map<number, (reply: Reply) => void>();
  const broadcast = (message: string) => {
    for (const [id, listener] of listeners) listener({ type: "error", id, message });
  };
  const getWorker = () => {
    if (worker) return worker;
    const parquetWasm = createRequire(import.meta.url).resolve("parquet-wasm");
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        parquetWasm,
        ackEvery: ACK_EVERY,
        module: sharedModule,
        ...(sharedModule ? {} : { tieringBudget: wasmTieringBudget() }),
      },
    });
    started.on("message", (reply: Reply) => {
      if (reply.type === "module") sharedModule ??= reply.module;
      else listeners.get(reply.id)?.(reply);
    });
    started.on("error", (error) => broadcast(error.message));
    started.on("exit", (code) => {
      if (worker === started) worker = undefined;
      if (code !== 0) broadcast(`the Parquet writer thread stopped (exit code ${code})`);
    });
    worker = started;
    return started;
  };
  return {
    layout: (schema) => pyarrowLayout(schema).convert,
    warm() {
      getWorker();
    },
    async open(options) {
      const thread = getWorker();
      const id = nextId++;
      let inFlight = 0;
      let failed: Error | undefined;
      let resume: (() => void) | undefined;
      let finished!: (bytes: number) => void;
      let rejectFinished!: (error: Error) => void;
      const done = new Promise<number>((resolve, reject) => {
        finished = resolve;
        rejectFinished = reject;
      });
      done.catch(() => undefined);
      const hasher = options.hash ? new GrowingFileHash(options.path) : undefined;
      let sha256: string | undefined;
      const wakeUp = () => {
        const r = resume;
        resume = undefined;
        r?.();
      };
      listeners.set(id, (reply) => {
        if (reply.type === "written") {
          hasher?.written(reply.bytes ?? 0);
          return;
        }
        if (reply.type === "ack") {
          inFlight -= reply.buffers?.length ?? 0;
          for (const buffer of reply.buffers ?? []) backendOptions.recycle?.(buffer);
        } else if (reply.type === "done") finished(reply.bytes ?? 0);
        else {
          failed ??= new Error(`Parquet writer: ${reply.message}`);
          rejectFinished(failed);
        }
        wakeUp();
      });
      thread.postMessage({
        type: "open",
        id,
        config: {
          path: options.path,
          rowGroupRows: Math.max(1, options.rowGroupRows),
          createdBy: `hfkit-datasets version ${VERSION} (parquet-wasm)`,
          huggingface: options.huggingface,
          snappyColumns: snappyColumns(options),
          plainColumns: options.plainColumns ?? [],
          report: hasher !== undefined,
        },
      });
      const writer: ShardWriter = {
        async write(ipc, offset, length) {
          if (failed) throw failed;
          inFlight++;
          const owned = ownsBuffer(ipc) ? ipc : ipc.slice();
          thread.postMessage({ type: "write", id, ipc: owned, offset, length }, [
            owned.buffer as ArrayBuffer,
          ]);
          // Back-pressure: a few ~1 MB frames wait for the encoder, enough that it has the next
          // frames while an ack (every ACK_EVERY frames) is on its way.
          while (inFlight > ACK_EVERY + 2 && !failed) await new Promise<void>((r) => (resume = r));
          if (failed) throw failed;
        },
        async close() {
          thread.postMessage({ type: "close", id });
          try {
            const bytes = await done;
            sha256 = await hasher?.finish(bytes);
            return bytes;
          } finally {
            listeners.delete(id);
            await hasher?.close();
          }
        },
        sha256: () => sha256,
        async abort() {
          thread.postMessage({ type: "abort", id });
          await done.catch(() => undefined);
          listeners.delete(id);
          await hasher?.close();
          await rm(options.path, { force: true });
        },
      };
      return writer;
    },
    async dispose() {
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  };
}
