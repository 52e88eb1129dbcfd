import type { GemmBias } from './gemm.js';
import { COLS, fitsPanel, panelBuffer, reluStore, ROWS, tile2x4Packed, tile2x4Panel } from './tile.js';

/**
 * Fast float32 Gemm: Y[M, N] = alpha · op(A) · W'ᵀ + beta · C, the same sums as kernels/gemm.ts (the reference,
 * which keeps float64, integer and every other case) in a different order, each output rounded once.
 *
 * The weight side W' is [N, K] with K contiguous: a Gemm with transB = 1 (nn.Linear's layout) has it in place; for
 * transB = 0 and for MatMul the caller transposes B once (and keeps the result for a constant B). W' rows are the
 * tile's A operand, so a weight is never repacked; the activation op(A) is packed into 4-row panels [K][4] and each
 * 2 × 4 tile of Yᵀ is one register-tiled pass over K (kernels/tile.ts), stored transposed.
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

/** Packed panels at a time: at most this many doubles (512 KiB, half of L2), so the weights stream once per block. */
const BLOCK_DOUBLES = 65536;
/** The packing buffer for reductions too long for tile.ts's PANEL. */
let longScratch = new Float64Array(0);
const acc = new Float64Array(ROWS * COLS);

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
  const blockPanels = Math.max(1, Math.floor(BLOCK_DOUBLES / (K * COLS)));
  // One buffer holds the current pair of W' rows (2K doubles), then the block's panels: tile.ts's PANEL (read by
  // name, the fast case) when the reduction fits it, else a buffer of this module.
  const inPanel = fitsPanel(K);
  const length = ROWS * K + Math.min(panels, blockPanels) * K * COLS;
  if (!inPanel && longScratch.length < length) longScratch = new Float64Array(length);
  const S = inPanel ? panelBuffer() : longScratch;
  for (let b0 = 0; b0 < panels; b0 += blockPanels) {
    const b1 = Math.min(panels, b0 + blockPanels);
    packRows(a, M, K, b0, b1 - b0, S, ROWS * K);
    for (let unit = start; unit < end; unit++) {
      const n0 = unit * ROWS;
      const rows = Math.min(ROWS, N - n0);
      const r0 = w.offset + n0 * K;
      const r1 = rows > 1 ? r0 + K : r0;
      S.set(w.data.subarray(r0, r0 + K), 0);
      S.set(w.data.subarray(r1, r1 + K), K);
      for (let q = b0; q < b1; q++) {
        const m0 = q * COLS;
        acc[0] = 0;
        acc[1] = 0;
        const b = ROWS * K + (q - b0) * K * COLS;
        if (inPanel) tile2x4Panel(0, K, b, K, acc);
        else tile2x4Packed(S, 0, K, b, K, acc);
        const cols = Math.min(COLS, M - m0);
        // acc[r·4 + j] is Y[m0 + j, n0 + r].
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

/** alpha · sum + beta · C[m, n] in float64 (one rounding on store), as the reference's storeRow computes it. */
function finish(sum: number, p: FastGemmParams, c: GemmBias | undefined, m: number, n: number, relu: boolean): number {
  let v = p.alpha === 1 ? sum : p.alpha * sum;
  if (c) {
    const cv = c.data[m * c.rowStride + n * c.colStride]!;
    v = p.alpha === 1 && p.beta === 1 ? sum + cv : v + p.beta * cv;
  }
  return relu ? reluStore(v) : v;
}

/** Panels [first, first + count) of op(A): P[at + q'·K·4 + k·4 + j] = op(A)[4q + j, k], rows past M are 0. */
function packRows(a: ActivationView, M: number, K: number, first: number, count: number, P: Float64Array, at: number): void {
  const { data, offset, rowStride, colStride } = a;
  for (let q = 0; q < count; q++) {
    const m0 = (first + q) * COLS;
    const pb = at + q * K * COLS;
    for (let j = 0; j < COLS; j++) {
      const m = m0 + j;
      if (m >= M) {
        for (let k = 0; k < K; k++) P[pb + k * COLS + j] = 0;
        continue;
      }
      const row = offset + m * rowStride;
      if (colStride === 1) for (let k = 0; k < K; k++) P[pb + k * COLS + j] = data[row + k]!;
      else for (let k = 0; k < K; k++) P[pb + k * COLS + j] = data[row + k * colStride]!;
    }
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
