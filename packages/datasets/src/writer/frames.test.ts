import * as A from "apache-arrow";
import { describe, expect, test } from "vitest";
import { BatchEncoder } from "../encode/batch.js";
import { ClassLabel, List, Value } from "../features/model.js";
import { FramePool, ipcFrame, ownsBuffer } from "./frames.js";

const features = [
  { name: "id", feature: Value("int64") },
  { name: "text", feature: Value("string") },
  { name: "tags", feature: List(Value("string")) },
  { name: "label", feature: ClassLabel({ names: ["neg", "pos"] }) },
  { name: "score", feature: Value("float32") },
];

function batch(rows: number, offset = 0): A.RecordBatch {
  const encoder = new BatchEncoder(features);
  for (let i = offset; i < offset + rows; i++) {
    encoder.append({
      id: i,
      text: i % 7 === 0 ? null : `row ${i} ✓`,
      tags: i % 5 === 0 ? null : ["a", `t${i}`],
      label: i % 2,
      score: i / 3,
    });
  }
  return encoder.flush()!;
}

describe("IPC frames for the writer thread", () => {
  test("are the bytes of tableToIPC, with or without a pool, in recycled buffers too", () => {
    const pool = new FramePool();
    for (const [rows, offset] of [
      [1000, 0],
      [10, 5],
      [3000, 1],
    ] as const) {
      const b = batch(rows, offset);
      const expected = A.tableToIPC(new A.Table([b]), "stream");
      expect(Buffer.from(ipcFrame(b)).equals(Buffer.from(expected))).toBe(true);
      const framed = ipcFrame(b, pool);
      expect(Buffer.from(framed).equals(Buffer.from(expected))).toBe(true);
      expect(ownsBuffer(framed)).toBe(true);
      // read back as the writer thread would: the frame's view, not its whole buffer
      const table = A.tableFromIPC(framed);
      expect(table.numRows).toBe(rows);
      expect(table.getChild("text")!.get(1)).toBe(b.getChild("text")!.get(1));
      pool.recycle(framed.buffer as ArrayBuffer);
    }
    // the large first buffer is reused for the small frame, which then does not fill it
    const small = ipcFrame(batch(10), pool);
    expect(small.byteLength).toBeLessThan(small.buffer.byteLength);
    expect(ownsBuffer(small)).toBe(true);
    expect(ownsBuffer(small.subarray(8))).toBe(false);
    expect(ownsBuffer(new Uint8Array(new ArrayBuffer(16), 0, 8))).toBe(false);
  });
});
