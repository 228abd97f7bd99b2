// Byte grouping (BG4): bytes at position i % 4 == k go to group k, groups are concatenated,
// and a length that is not a multiple of 4 gives its extra bytes to the first groups
// (hub-docs xorb.md, "Byte Grouping LZ4 Compression"). Float tensors compress far better so.

function groupStarts(n: number): [number, number, number, number] {
  const q = n >>> 2;
  const r = n & 3;
  const s1 = q + (r > 0 ? 1 : 0);
  const s2 = s1 + q + (r > 1 ? 1 : 0);
  const s3 = s2 + q + (r > 2 ? 1 : 0);
  return [0, s1, s2, s3];
}

export function bg4Split(data: Uint8Array): Uint8Array {
  const n = data.byteLength;
  const out = new Uint8Array(n);
  const [, s1, s2, s3] = groupStarts(n);
  const q = n >>> 2;
  for (let i = 0, j = 0; i < q; i++, j += 4) {
    out[i] = data[j] as number;
    out[s1 + i] = data[j + 1] as number;
    out[s2 + i] = data[j + 2] as number;
    out[s3 + i] = data[j + 3] as number;
  }
  const r = n & 3;
  if (r > 0) out[q] = data[4 * q] as number;
  if (r > 1) out[s1 + q] = data[4 * q + 1] as number;
  if (r > 2) out[s2 + q] = data[4 * q + 2] as number;
  return out;
}

/** The inverse of {@link bg4Split}, written into `out` at `offset`. */
export function bg4RegroupInto(grouped: Uint8Array, out: Uint8Array, offset: number): void {
  const n = grouped.byteLength;
  const [, s1, s2, s3] = groupStarts(n);
  const q = n >>> 2;
  for (let i = 0, j = offset; i < q; i++, j += 4) {
    out[j] = grouped[i] as number;
    out[j + 1] = grouped[s1 + i] as number;
    out[j + 2] = grouped[s2 + i] as number;
    out[j + 3] = grouped[s3 + i] as number;
  }
  const r = n & 3;
  const tail = offset + 4 * q;
  if (r > 0) out[tail] = grouped[q] as number;
  if (r > 1) out[tail + 1] = grouped[s1 + q] as number;
  if (r > 2) out[tail + 2] = grouped[s2 + q] as number;
}

/** Bytes examined by the predictor: a few windows spread over the chunk (multiples of 4). */
const SAMPLE_WINDOWS = 4;
const SAMPLE_WINDOW = 512;

/** Per-position popcount histograms (4 positions × 9 counts), reused by every call. */
const histograms = new Uint32Array(4 * 9);
/** The overall histogram, each count plus one. */
const totals = new Float64Array(9);

/**
 * Whether BG4 is likely to beat plain LZ4: xet-core's predictor (bg4_prediction.rs) compares
 * the distribution of per-byte popcounts of each of the 4 byte positions with the overall one
 * and recommends BG4 when one diverges (KL > 0.02). We sample 4 windows of 512 bytes instead of
 * every byte (which cost 6 ns per byte in JavaScript); the choice only affects the compression
 * ratio, never the bytes read back. The sample is read 4 bytes at a time through a DataView and
 * the 4 popcounts computed together (SWAR): reading byte by byte cost ~12 µs per chunk, 0.1 s of
 * CPU per 512 MiB uploaded, as the views it gets are Buffers or Uint8Arrays (issue 19).
 */
export function bg4Recommended(data: Uint8Array): boolean {
  const n = data.byteLength;
  if (n < 64) return false;
  histograms.fill(0);
  const view = new DataView(data.buffer, data.byteOffset, n);
  const windows = n <= SAMPLE_WINDOWS * SAMPLE_WINDOW ? 1 : SAMPLE_WINDOWS;
  const length = windows === 1 ? n & ~3 : SAMPLE_WINDOW;
  const stride = windows === 1 ? 0 : Math.floor((n - length) / (windows - 1)) & ~3;
  for (let w = 0; w < windows; w++) {
    // Windows start at multiples of 4, so byte j of a 4-byte group lands in histogram j: read
    // little-endian, it is bits 8j to 8j + 7 of the word.
    const start = w * stride;
    for (let i = start; i < start + length; i += 4) {
      const word = view.getInt32(i, true);
      let x = (word - ((word >>> 1) & 0x55555555)) | 0;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      x = (x + (x >>> 4)) & 0x0f0f0f0f;
      histograms[x & 0xff]!++;
      histograms[9 + ((x >>> 8) & 0xff)]!++;
      histograms[18 + ((x >>> 16) & 0xff)]!++;
      histograms[27 + (x >>> 24)]!++;
    }
  }
  // KL divergence of each position's distribution from the overall one (plus one per count).
  let baseTotal = 0;
  for (let j = 0; j < 9; j++) {
    const c = 1 + histograms[j]! + histograms[9 + j]! + histograms[18 + j]! + histograms[27 + j]!;
    totals[j] = c;
    baseTotal += c;
  }
  let maxDivergence = 0;
  for (let g = 0; g < 36; g += 9) {
    let total = 0;
    for (let j = 0; j < 9; j++) total += histograms[g + j]!;
    let divergence = 0;
    for (let j = 0; j < 9; j++) {
      const c = histograms[g + j]!;
      if (c === 0) continue;
      const p = c / total;
      divergence += p * Math.log(p / (totals[j]! / baseTotal));
    }
    maxDivergence = Math.max(maxDivergence, divergence);
  }
  return maxDivergence > 0.02;
}
