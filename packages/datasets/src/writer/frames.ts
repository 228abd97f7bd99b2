import * as A from "apache-arrow";

// Every batch crosses to the writer thread as an Arrow IPC stream of ~1 MB. apache-arrow's
// `tableToIPC` joins the writer's pieces into a new buffer each time: profiled on 1 M JSONL rows,
// that copy into fresh memory (page faults) and the garbage it makes were about 10% of the main
// thread. Here the pieces are copied into buffers that the writer thread hands back once it has
// read them (`recycle`), so the same few buffers go round.

/** Buffers that belong to one frame each, whatever the frame's length: safe to transfer whole. */
const pooled = new WeakSet<ArrayBufferLike>();

/** Whether `frame` may be transferred to another thread with its whole buffer. */
export function ownsBuffer(frame: Uint8Array): boolean {
  return frame.byteOffset === 0 && (frame.byteLength === frame.buffer.byteLength || pooled.has(frame.buffer));
}

/** A few frame buffers, handed back by the writer thread. */
export class FramePool {
  private readonly free: ArrayBuffer[] = [];

  /** A frame of `size` bytes, in a recycled buffer when one is large enough. */
  take(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= size);
    const buffer = i === -1 ? new ArrayBuffer(Math.ceil(size * 1.25)) : this.free.splice(i, 1)[0]!;
    pooled.add(buffer);
    return new Uint8Array(buffer, 0, size);
  }

  /** A buffer no frame uses any more. */
  recycle(buffer: ArrayBuffer): void {
    if (this.free.length < 8) this.free.push(buffer);
  }
}

/** Collects an IPC writer's pieces instead of joining them (the writer only writes Uint8Arrays). */
class PieceSink extends A.AsyncByteQueue {
  readonly pieces: Uint8Array[] = [];
  size = 0;
  override write(value: Parameters<A.AsyncByteQueue["write"]>[0]): void {
    const piece = value as Uint8Array;
    if (piece.byteLength === 0) return;
    this.pieces.push(piece);
    this.size += piece.byteLength;
  }
}

/**
 * A batch as a self-contained Arrow IPC stream (schema, the batch, end marker): the bytes of
 * `tableToIPC(new Table([batch]), "stream")`, in a buffer of `pool` when given.
 */
export function ipcFrame(batch: A.RecordBatch, pool?: FramePool): Uint8Array {
  const sink = new PieceSink();
  const writer = new A.RecordBatchStreamWriter();
  writer.reset(sink);
  writer.write(batch);
  writer.finish();
  const frame = pool ? pool.take(sink.size) : new Uint8Array(sink.size);
  let at = 0;
  for (const piece of sink.pieces) {
    frame.set(piece, at);
    at += piece.byteLength;
  }
  return frame;
}
