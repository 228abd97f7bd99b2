// Run by writer/detach-state.test.ts with --allow-natives-syntax (the built package: turbo
// builds it before the tests). Optimises a function that reads a typed array, then writes a
// shard whose rows come from a generator: at the first row, before any frame went to the writer
// thread, it prints whether that function is still optimised.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeShards } from "../../dist/index.js";

const natives = (body) => new Function("f", "x", body);
const prepare = natives(
  "%PrepareFunctionForOptimization(f); f(x); f(x); %OptimizeFunctionOnNextCall(f); f(x);",
);
// Bit 4 (16) of V8's optimisation status: the function runs TurboFan code.
const status = natives("return %GetOptimizationStatus(f);");

function readFirst(bytes) {
  return bytes[0];
}
const bytes = new Uint8Array(8);
prepare(readFirst, bytes);
const before = (status(readFirst) & 16) !== 0;
let atFirstRow;
function* rows() {
  atFirstRow = (status(readFirst) & 16) !== 0;
  for (let i = 0; i < 100; i++) yield { n: i, text: `row ${i}` };
}
const work = mkdtempSync(join(tmpdir(), "hfkit-detach-"));
try {
  await writeShards({ data: rows(), outputDir: join(work, "out"), tempDir: work });
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ before, atFirstRow })}\n`);
