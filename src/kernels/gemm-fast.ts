import type { GemmBias } from './gemm.js';
import { BLOCK_DOUBLES, COLS, loadRows2, packStrided3, reluStore, ROWS, tile2x3, TILE_K } from './tile.js';

/**
 * Fast float32 Gemm: Y[M, N] = alpha · op(A) · W'ᵀ + beta · C, the same sums as kernels/gemm.ts (the reference,
 * which keeps float64, integer and every other case) in a different order, each output rounded once.
 *
 * The weight side W' is [N, K] with K contiguous: a Gemm with transB = 1 (nn.Linear's layout) has it in place; for
 * transB = 0 and for MatMul the caller transposes B once (and keeps the result for a constant B). W' rows are the
 * tile's A operand; the activation op(A) is packed into 3-row panels (one column array per row) and each 2 × 3 tile
 * of Yᵀ is one register-tiled pass over K (kernels/tile.ts; a K longer than TILE_K in parts, the partial sums kept
 * as float64), stored transposed.
 *
 * M = 1 (a batch-1 fully-connected layer) takes a GEMV path instead: four weight rows against the one input row,
 * no packing.
 *
 * Work units are 2-row blocks of W' (output features): threads can take contiguous ranges.
 */
export interface FastGemmParams {
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
}

/** op(A) seen as an [M, K] matrix: element (m, k) at data[offset + m·rowStride + k·colStride]. */
export interface ActivationView {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** W' [N, K] row-major at `offset`. */
export interface WeightView {
  data: Float32Array;
  offset: number;
}

export function fastGemmUnits(p: FastGemmParams): number {
  return Math.ceil(p.N / ROWS);
}

const acc = new Float64Array(ROWS * COLS);
/** Tiles' partial sums between the parts of a K longer than TILE_K. */
let partial = new Float64Array(0);

/** Writes units [start, end) of Y (rows of N, at out[outOffset + m·N + n]). `c` is ignored when beta is 0. */
export function gemmFast(
  p: FastGemmParams,
  a: ActivationView,
  w: WeightView,
  c: GemmBias | undefined,
  out: Float32Array,
  outOffset: number,
  relu: boolean,
  start = 0,
  end = fastGemmUnits(p),
): void {
  // int32 sizes and offsets (see conv-fast.ts convShape): dims from shape ops arrive as doubles.
  const M = p.M | 0;
  const N = p.N | 0;
  const K = p.K | 0;
  if (M === 0 || N === 0 || start >= end) return;
  a = { data: a.data, offset: a.offset | 0, rowStride: a.rowStride | 0, colStride: a.colStride | 0 };
  w = { data: w.data, offset: w.offset | 0 };
  outOffset |= 0;
  const bias = p.beta === 0 ? undefined : c;
  if (K === 0) {
    for (let n = start * ROWS; n < Math.min(N, end * ROWS); n++) {
      for (let m = 0; m < M; m++) out[outOffset + m * N + n] = finish(0, p, bias, m, n, relu);
    }
    return;
  }
  if (M === 1) {
    gemv({ ...p, N, K }, a, w, bias, out, outOffset, relu, start, end);
    return;
  }
  const panels = Math.ceil(M / COLS);
  // K in parts of at most TILE_K; a block of panels holds one part of each.
  const part = Math.min(K, TILE_K);
  const blockPanels = Math.max(1, Math.floor(BLOCK_DOUBLES / part));
  const partialLength = (end - start) * Math.min(panels, blockPanels) * ROWS * COLS;
  if (K > part && partial.length < partialLength) partial = new Float64Array(partialLength);
  for (let b0 = 0; b0 < panels; b0 += blockPanels) {
    const b1 = Math.min(panels, b0 + blockPanels);
    for (let k0 = 0; k0 < K; k0 += part) {
      const k1 = Math.min(K, k0 + part);
      const rowsK = k1 - k0;
      packRows(a, M, b0, b1 - b0, k0, k1);
      for (let unit = start; unit < end; unit++) {
        const n0 = unit * ROWS;
        const rows = Math.min(ROWS, N - n0);
        const r0 = w.offset + n0 * K + k0;
        const r1 = rows > 1 ? r0 + K : r0;
        loadRows2(w.data, r0, r1, rowsK);
        for (let q = b0; q < b1; q++) {
          const slot = ((unit - start) * blockPanels + q - b0) * ROWS * COLS;
          if (k0 === 0) acc.fill(0);
          else acc.set(partial.subarray(slot, slot + ROWS * COLS));
          tile2x3(0, (q - b0) * rowsK, rowsK, acc);
          if (k1 < K) {
            partial.set(acc, slot);
            continue;
          }
          const m0 = q * COLS;
          const cols = Math.min(COLS, M - m0);
          // acc[r·3 + j] is Y[m0 + j, n0 + r].
          for (let j = 0; j < cols; j++) {
            const m = m0 + j;
            const o = outOffset + m * N + n0;
            out[o] = finish(acc[j]!, p, bias, m, n0, relu);
            if (rows > 1) out[o + 1] = finish(acc[COLS + j]!, p, bias, m, n0 + 1, relu);
          }
        }
      }
    }
  }
}

/** alpha · sum + beta · C[m, n] in float64 (one rounding on store), as the reference's storeRow computes it. */
function finish(sum: number, p: FastGemmParams, c: GemmBias | undefined, m: number, n: number, relu: boolean): number {
  let v = p.alpha === 1 ? sum : p.alpha * sum;
  if (c) {
    const cv = c.data[m * c.rowStride + n * c.colStride]!;
    v = p.alpha === 1 && p.beta === 1 ? sum + cv : v + p.beta * cv;
  }
  return relu ? reluStore(v) : v;
}

/**
 * Columns [k0, k1) of panels [first, first + count) of op(A): row 3q + j of op(A) goes to column array j at
 * (q − first)·(k1 − k0) + k − k0. A row past M repeats the panel's first: its sums are never stored.
 */
function packRows(a: ActivationView, M: number, first: number, count: number, k0: number, k1: number): void {
  const { data, offset, rowStride, colStride } = a;
  const rowsK = k1 - k0;
  for (let q = 0; q < count; q++) {
    const m0 = (first + q) * COLS;
    const from = offset + m0 * rowStride + k0 * colStride;
    const valid = Math.min(COLS, M - m0);
    packStrided3(data, from, valid > 1 ? from + rowStride : from, valid > 2 ? from + 2 * rowStride : from, colStride, rowsK, q * rowsK);
  }
}

/** Y[0, n] for n in units [start, end): four dot products of W' rows with the one input row at a time. */
function gemv(
  p: FastGemmParams,
  a: ActivationView,
  w: WeightView,
  c: GemmBias | undefined,
  out: Float32Array,
  outOffset: number,
  relu: boolean,
  start: number,
  end: number,
): void {
  const { N, K } = p;
  const x = a.data;
  const xs = a.colStride;
  const wd = w.data;
  // Units are pairs of rows; four rows share each load of the input here.
  const nEnd = Math.min(N, end * ROWS);
  for (let n0 = start * ROWS; n0 < nEnd; n0 += 4) {
    const rows = Math.min(4, nEnd - n0);
    const r0 = w.offset + n0 * K;
    const r1 = rows > 1 ? r0 + K : r0;
    const r2 = rows > 2 ? r0 + 2 * K : r0;
    const r3 = rows > 3 ? r0 + 3 * K : r0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0, xi = a.offset; k < K; k = (k + 1) | 0, xi = (xi + xs) | 0) {
      const v = x[xi]!;
      s0 += wd[(r0 + k) | 0]! * v;
      s1 += wd[(r1 + k) | 0]! * v;
      s2 += wd[(r2 + k) | 0]! * v;
      s3 += wd[(r3 + k) | 0]! * v;
    }
    out[outOffset + n0] = finish(s0, p, c, 0, n0, relu);
    if (rows > 1) out[outOffset + n0 + 1] = finish(s1, p, c, 0, n0 + 1, relu);
    if (rows > 2) out[outOffset + n0 + 2] = finish(s2, p, c, 0, n0 + 2, relu);
    if (rows > 3) out[outOffset + n0 + 3] = finish(s3, p, c, 0, n0 + 3, relu);
  }
}

/** W' = Bᵀ for a B stored [K, N] at `offset`: [N, K] row-major, into `into` when it is large enough. */
export function transposeWeights(b: Float32Array, offset: number, K: number, N: number, into?: Float32Array): Float32Array {
  const t = into && into.length >= N * K ? into : new Float32Array(N * K);
  for (let k = 0; k < K; k++) {
    const row = offset + k * N;
    for (let n = 0; n < N; n++) t[n * K + k] = b[row + n]!;
  }
  return t;
}
