import * as A from "apache-arrow";
import type { FramePool } from "../writer/frames.js";
import type { Builder } from "./builder-base.js";

// A batch of flat columns framed for the writer thread straight from the column builders'
// memory. The frame is the bytes apache-arrow's `RecordBatchStreamWriter` writes for
// `tableToIPC(new Table([batch]), "stream")` (writer/frames.ts): the schema message, one record
// batch message (its flatbuffer header encoded by apache-arrow's own `Message.encode`, so the
// header bytes are apache-arrow's) and its body, then the end-of-stream marker. Profiled on 1 M
// JSONL rows, going through `finish()` copied every value into fresh Arrow buffers and then again
// into the frame, and apache-arrow's Data, RecordBatch and writer objects made garbage at each
// batch: together about a tenth of the main thread, plus the collector's work on other threads.
//
// Only for columns whose builder is flat (null, bool, fixed-width numbers, strings and binary)
// and whose type the writer's layout leaves as it is; any other schema goes through `finish()`
// and apache-arrow's writer.

/** An IPC message as apache-arrow's writer frames it: continuation, length, flatbuffer padded to 8. */
function framedMessage(flatbuffer: Uint8Array): Uint8Array {
  const aligned = (flatbuffer.byteLength + 8 + 7) & ~7;
  const out = new Uint8Array(aligned);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, aligned - 8, true);
  out.set(flatbuffer, 8);
  return out;
}

/** The IPC message of a record batch header (apache-arrow's RecordBatch metadata, duck-typed). */
function recordBatchMessage(
  rows: number,
  nodes: { length: number; nullCount: number }[],
  buffers: { offset: number; length: number }[],
  bodyLength: number,
): Uint8Array {
  // what `RecordBatchWriter` passes for a batch without compression or view types
  const header = {
    length: rows,
    nodes,
    buffers,
    compression: null,
    variadicBufferCounts: [],
    metadata: new Map(),
  };
  const message = new (A.Message as unknown as new (...args: unknown[]) => A.Message)(
    bodyLength,
    A.MetadataVersion.V5,
    A.MessageHeader.RecordBatch,
    header,
  );
  return framedMessage(A.Message.encode(message));
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Frames batches of flat columns from their builders; see the file comment. */
export class FlatFrames {
  private readonly schemaMessage: Uint8Array;

  private constructor(
    private readonly builders: readonly Builder[],
    layoutSchema: A.Schema,
  ) {
    this.schemaMessage = framedMessage(A.Message.encode(A.Message.from(layoutSchema)));
  }

  /**
   * A framer for these builders, whose batches are of `schema` and reach the writer as
   * `layoutSchema` (the writer's layout of it), or undefined when a column is not flat or the
   * layout changes its type (then its values are relaid, which only apache-arrow's path does).
   */
  static for(builders: readonly Builder[], schema: A.Schema, layoutSchema: A.Schema): FlatFrames | undefined {
    if (layoutSchema.fields.length !== schema.fields.length) return undefined;
    for (let i = 0; i < builders.length; i++) {
      const type = schema.fields[i]!.type;
      const laid = layoutSchema.fields[i]!.type;
      if (builders[i]!.ipcBuffers() === undefined) return undefined;
      if (
        laid.typeId !== type.typeId ||
        String(laid) !== String(type) ||
        builders[i]!.type.typeId !== type.typeId
      )
        return undefined;
    }
    return new FlatFrames(builders, layoutSchema);
  }

  /**
   * The frame of the `rows` rows the builders hold (at least one), in a buffer of `pool`; the
   * builders are then empty, as after `finish()`.
   */
  frame(rows: number, pool: FramePool): Uint8Array {
    const builders = this.builders;
    const nodes: { length: number; nullCount: number }[] = [];
    const regions: { offset: number; length: number }[] = [];
    const parts: Uint8Array[][] = [];
    let body = 0;
    for (const builder of builders) {
      const nullCount = builder.nullCount;
      nodes.push({ length: builder.length, nullCount });
      const isNull = builder.type.typeId === A.Type.Null;
      if (!isNull) {
        // validity: a zero-length placeholder when no value is null
        const size = nullCount > 0 ? ((builder.length + 63) >> 6) << 3 : 0;
        regions.push({ offset: body, length: size });
        body += size;
      }
      const buffers = builder.ipcBuffers()!;
      parts.push(buffers);
      for (const b of buffers) {
        const size = pad8(b.byteLength);
        regions.push({ offset: body, length: size });
        body += size;
      }
    }
    const header = recordBatchMessage(rows, nodes, regions, body);
    const schema = this.schemaMessage;
    const frame = pool.take(schema.byteLength + header.byteLength + body + 8);
    frame.set(schema, 0);
    let at = schema.byteLength;
    frame.set(header, at);
    at += header.byteLength;
    for (let c = 0; c < builders.length; c++) {
      const builder = builders[c]!;
      at += builder.writeValidity(frame, at);
      for (const b of parts[c]!) {
        frame.set(b, at);
        const end = pad8(at + b.byteLength);
        // the pool's buffers hold old frames: padding is written, as apache-arrow's zeros
        frame.fill(0, at + b.byteLength, end);
        at = end;
      }
      builder.finishIpc();
    }
    // end of stream
    const view = new DataView(frame.buffer, frame.byteOffset + at, 8);
    view.setInt32(0, -1, true);
    view.setInt32(4, 0, true);
    return frame;
  }
}
