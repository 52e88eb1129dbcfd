import type { ConvShape } from './conv-fast.js';
import { padInput, type Source } from './conv-source.js';
import { BLOCK_DOUBLES, COLS, reluStore, ROWS, tile2x3, TILE_K, tileOperands } from './tile.js';

/**
 * 3 × 3 convolutions at stride 1 and dilation 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2016): each 2 × 2 block of outputs is
 *
 *   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 *
 * over the 4 × 4 input tiles d_c and 3 × 3 filters g_c of the input channels, so the 36 multiply-adds per channel of
 * a direct 2 × 2 block become 16: one GEMM per position ξ of the 4 × 4 transformed tile, U_ξ [M/g, C/g] ·
 * V_ξ [C/g, tiles], each on tile.ts's register tile, then 24 additions per block to transform back.
 *
 * Arithmetic: the transforms only add, subtract and halve, and everything is float64 until the one rounding to
 * float32 on store. But a product of two transformed values (sums of several float32 values) is not always exact in
 * float64, as a product of two float32 values is, and the transforms mix every input of the 4 × 4 tile into every
 * output of the block. So an output's float64 error is bounded by ~1e-16 times the magnitudes of its whole tile, not
 * of its own window: an output whose exact value is 0 beside large inputs can come out as ~1e-16 (found by the conv
 * fuzz family), and −0 as +0. That changes rounding, so the path is opt-in (LoadOptions.winograd), as folding
 * BatchNormalization is. Small integers stay exact (every intermediate is then an exact dyadic). And a transform
 * subtracts inputs, so an infinite input or weight would give ∞ − ∞ = NaN where the sum gives ±∞: the caller takes
 * this path only when the input and the weights are all finite (ops/nn/conv.ts).
 *
 * Work units are listed at winogradUnits; threads take contiguous ranges of them.
 */

/**
 * Whether a convolution shape takes this path: 3 × 3, stride and dilation 1, 2-D, and big enough that the saved
 * multiplies outweigh the transforms. Measured against the implicit-GEMM path on the same tile (Node 20, Zen 4,
 * one process, alternating): 1.15–1.75× faster from 16 channels in and out at 9 × 9 outputs (25 blocks) and up; about
 * even at 8 channels (each GEMM's reduction is one input channel per step, too short for a tile's setup); 0.65–0.98×
 * at 7 × 7 outputs (16 blocks, too few to pay for transforming the filters).
 */
export function winogradFits(s: ConvShape): boolean {
  const [bh, bw] = blocks(s);
  return (
    s.KH === 3 && s.KW === 3 && s.KD === 1 && s.D === 1 && s.SH === 1 && s.SW === 1 && s.DH === 1 && s.DW === 1 &&
    s.inPerGroup >= MIN_CHANNELS && s.outPerGroup >= MIN_CHANNELS && 16 * s.inPerGroup <= TILE_K && bh * bw >= MIN_BLOCKS
  );
}

const MIN_CHANNELS = 16;
/** 2 × 2 output blocks per image: 25 is a 9 × 9 or 10 × 10 output. */
const MIN_BLOCKS = 25;

/** Output blocks (2 × 2) along H and W. */
function blocks(s: ConvShape): [number, number] {
  return [Math.ceil(s.OH / 2), Math.ceil(s.OW / 2)];
}

/**
 * Work units: (image, group, block of output-channel pairs, panel of 3 output blocks), in that order, so that a
 * thread's contiguous range transforms the filters of one pair block once and pads only the input rows under its
 * panels.
 */
export function winogradUnits(s: ConvShape): number {
  const [bh, bw] = blocks(s);
  return s.batch * s.group * pairBlocks(s) * Math.ceil((bh * bw) / COLS);
}

/** Output-channel pairs whose transformed filters fit A0/A1 at once, and how many such blocks a group has. */
function pairsAtOnce(s: ConvShape): number {
  return Math.floor(TILE_K / (16 * s.inPerGroup));
}

function pairBlocks(s: ConvShape): number {
  return Math.ceil(Math.ceil(s.outPerGroup / ROWS) / pairsAtOnce(s));
}

/** One (pair of output channels, panel) of GEMM results: m[ξ·6 + r·3 + j]. */
const products = new Float64Array(16 * ROWS * COLS);
/** One input tile (4 × 4) and one filter (3 × 3) on their way through a transform. */
const tile = new Float64Array(16);

export function convWinograd(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  out: Float32Array,
  s: ConvShape,
  relu: boolean,
  start: number,
  end: number,
): void {
  const C = s.inPerGroup;
  const Mg = s.outPerGroup;
  const { OH, OW, outPlane } = s;
  const [bh, bw] = blocks(s);
  const total = bh * bw;
  const panels = Math.ceil(total / COLS);
  // Every window of every block (including the half-outside last ones) lies inside the padded copy.
  const Hp = Math.max(s.H + s.PH, 2 * bh + 2);
  const Wp = Math.max(s.W + s.PW, 2 * bw + 2);
  const src: Source = { Hp, Wp, plane: Hp * Wp };
  // Transformed tiles of this many panels at a time, 16·C doubles each per column (16·C ≤ TILE_K: winogradFits).
  const blockPanels = Math.max(1, Math.floor(BLOCK_DOUBLES / (16 * C)));
  const atOnce = pairsAtOnce(s);
  const pairs = Math.ceil(Mg / ROWS);
  const groupBlocks = pairBlocks(s);
  const [A0, A1] = tileOperands().a;
  // Which group and pair block's transformed filters A0/A1 hold, and which image/group and band of padded rows the
  // padded copy holds (only within this call: other kernels reuse both buffers).
  let loadedFilters = -1;
  let paddedFor = -1;
  let paddedRows: [number, number] = [0, 0];
  let source: Float32Array = new Float32Array(0);
  let unit = start;
  while (unit < end) {
    const slice = Math.floor(unit / panels);
    const block = slice % groupBlocks;
    const ng = (slice - block) / groupBlocks;
    const n = Math.floor(ng / s.group);
    const g = ng - n * s.group;
    const q0 = unit - slice * panels;
    const q1 = Math.min(panels, end - slice * panels);
    // Padded rows under blocks [3·q0, 3·q1): each block row th reads rows 2·th .. 2·th + 3.
    const rows: [number, number] = [2 * Math.floor((q0 * COLS) / bw), 2 * Math.floor((Math.min(total, q1 * COLS) - 1) / bw) + 4];
    // The next pair block of the same image and group reads the same rows: pad them once.
    if (paddedFor !== ng || rows[0] < paddedRows[0] || rows[1] > paddedRows[1]) {
      source = padInput(x, (n * s.C + g * C) * s.inPlane, s, src, rows);
      paddedFor = ng;
      paddedRows = rows;
    }
    const outBase = (n * s.M + g * Mg) * outPlane;
    const p0 = block * atOnce;
    const p1 = Math.min(pairs, p0 + atOnce);
    const filters = g * pairs + p0;
    if (loadedFilters !== filters) {
      transformFilters(w, g * Mg, C, Mg, p0, p1, A0, A1);
      loadedFilters = filters;
    }
    for (let b0 = q0; b0 < q1; b0 += blockPanels) {
      const b1 = Math.min(q1, b0 + blockPanels);
      const count = b1 - b0;
      transformInputs(source, src, C, bw, total, b0, count);
      for (let p = p0; p < p1; p++) {
        const m = p * ROWS;
        const rowsOut = Math.min(ROWS, Mg - m);
        const ch = g * Mg + m;
        const bias0 = bias ? bias[ch]! : 0;
        const bias1 = bias && rowsOut > 1 ? bias[ch + 1]! : 0;
        for (let q = b0; q < b1; q++) {
          products.fill(0);
          for (let xi = 0; xi < 16; xi++) tile2x3(((p - p0) * 16 + xi) * C, (xi * count + q - b0) * C, C, products, xi * ROWS * COLS);
          for (let j = 0; j < COLS; j++) {
            const at = q * COLS + j;
            if (at >= total) break;
            const oh = 2 * Math.floor(at / bw);
            const ow = 2 * (at % bw);
            const o = outBase + m * outPlane + oh * OW + ow;
            storeBlock(out, o, OW, oh + 1 < OH, ow + 1 < OW, j, bias0, relu);
            if (rowsOut > 1) storeBlock(out, o + outPlane, OW, oh + 1 < OH, ow + 1 < OW, COLS + j, bias1, relu);
          }
        }
      }
    }
    unit = slice * panels + q1;
  }
}

/**
 * V = Bᵀ d B for the 4 × 4 input tile of each block of panels [first, first + count) and each channel: column j
 * (block 3q + j; a block past the last repeats the panel's first) of GEMM ξ at (ξ·count + q − first)·C + c.
 */
function transformInputs(P: Float32Array, src: Source, C: number, bw: number, total: number, first: number, count: number): void {
  const { Wp, plane } = src;
  const columns = tileOperands().b;
  const d = tile;
  for (let q = 0; q < count; q++) {
    for (let j = 0; j < COLS; j++) {
      const V = columns[j]!;
      const block = (first + q) * COLS + j < total ? (first + q) * COLS + j : (first + q) * COLS;
      const origin = 2 * Math.floor(block / bw) * Wp + 2 * (block % bw);
      for (let c = 0, at = q * C; c < C; c++, at++) {
        const base = c * plane + origin;
        // Rows: r0 = d0 − d2, r1 = d1 + d2, r2 = d2 − d1, r3 = d1 − d3 (each across the tile's 4 columns).
        for (let col = 0; col < 4; col++) {
          const v0 = P[base + col]!;
          const v1 = P[base + Wp + col]!;
          const v2 = P[base + 2 * Wp + col]!;
          const v3 = P[base + 3 * Wp + col]!;
          d[col] = v0 - v2;
          d[4 + col] = v1 + v2;
          d[8 + col] = v2 - v1;
          d[12 + col] = v1 - v3;
        }
        // Then the same combination across each row's columns.
        for (let r = 0; r < 4; r++) {
          const t0 = d[4 * r]!;
          const t1 = d[4 * r + 1]!;
          const t2 = d[4 * r + 2]!;
          const t3 = d[4 * r + 3]!;
          const xi = 4 * r;
          V[xi * count * C + at] = t0 - t2;
          V[(xi + 1) * count * C + at] = t1 + t2;
          V[(xi + 2) * count * C + at] = t2 - t1;
          V[(xi + 3) * count * C + at] = t1 - t3;
        }
      }
    }
  }
}

/**
 * U = G g Gᵀ for output-channel pairs [p0, p1) of the group (first channel m0 of the group at weight row `first`):
 * row 2p of pair p' = p − p0 into A0 at (p'·16 + ξ)·C + c, row 2p + 1 into A1 (a missing odd row repeats the even one).
 */
function transformFilters(w: Float32Array, first: number, C: number, Mg: number, p0: number, p1: number, A0: Float64Array, A1: Float64Array): void {
  const g = tile;
  for (let p = p0; p < p1; p++) {
    for (let r = 0; r < ROWS; r++) {
      const m = Math.min(p * ROWS + r, Mg - 1);
      const U = r === 0 ? A0 : A1;
      for (let c = 0; c < C; c++) {
        const wb = ((first + m) * C + c) * 9;
        // Rows: q0 = g0, q1 = (g0 + g1 + g2)/2, q2 = (g0 − g1 + g2)/2, q3 = g2 (each across the filter's 3 columns).
        for (let col = 0; col < 3; col++) {
          const g0 = w[wb + col]!;
          const g1 = w[wb + 3 + col]!;
          const g2 = w[wb + 6 + col]!;
          g[col] = g0;
          g[3 + col] = (g0 + g1 + g2) / 2;
          g[6 + col] = (g0 - g1 + g2) / 2;
          g[9 + col] = g2;
        }
        const at = (p - p0) * 16 * C + c;
        for (let row = 0; row < 4; row++) {
          const t0 = g[3 * row]!;
          const t1 = g[3 * row + 1]!;
          const t2 = g[3 * row + 2]!;
          const xi = 4 * row;
          U[at + xi * C] = t0;
          U[at + (xi + 1) * C] = (t0 + t1 + t2) / 2;
          U[at + (xi + 2) * C] = (t0 - t1 + t2) / 2;
          U[at + (xi + 3) * C] = t2;
        }
      }
    }
  }
}

/**
 * Y = Aᵀ m A + bias for one output row r and block column j of `products` (slot = r·3 + j), stored at out[o] (the
 * block's top-left output) with row stride OW; the second row or column only where it lies inside the output.
 */
function storeBlock(out: Float32Array, o: number, OW: number, secondRow: boolean, secondCol: boolean, slot: number, bias: number, relu: boolean): void {
  const m = products;
  const step = ROWS * COLS;
  // m at (a, b) of the transformed block is m[(4a + b)·step + slot]. Down each column b first:
  // t0b = m0b + m1b + m2b, t1b = m1b − m2b − m3b.
  const r1 = 4 * step;
  const r2 = 8 * step;
  const r3 = 12 * step;
  let i = slot;
  const t00 = m[i]! + m[i + r1]! + m[i + r2]!;
  const t10 = m[i + r1]! - m[i + r2]! - m[i + r3]!;
  i += step;
  const t01 = m[i]! + m[i + r1]! + m[i + r2]!;
  const t11 = m[i + r1]! - m[i + r2]! - m[i + r3]!;
  i += step;
  const t02 = m[i]! + m[i + r1]! + m[i + r2]!;
  const t12 = m[i + r1]! - m[i + r2]! - m[i + r3]!;
  i += step;
  const t03 = m[i]! + m[i + r1]! + m[i + r2]!;
  const t13 = m[i + r1]! - m[i + r2]! - m[i + r3]!;
  const y00 = bias + (t00 + t01 + t02);
  out[o] = relu ? reluStore(y00) : y00;
  if (secondCol) {
    const y01 = bias + (t01 - t02 - t03);
    out[o + 1] = relu ? reluStore(y01) : y01;
  }
  if (!secondRow) return;
  const y10 = bias + (t10 + t11 + t12);
  out[o + OW] = relu ? reluStore(y10) : y10;
  if (secondCol) {
    const y11 = bias + (t11 - t12 - t13);
    out[o + OW + 1] = relu ? reluStore(y11) : y11;
  }
}
