import { as3d, type ConvParams } from './conv.js';
import { convDepthwise, depthwiseWindowFits } from './conv-depthwise.js';
import { padInput, sourceOf, type Source } from './conv-source.js';
import { convWinograd, winogradFits, winogradUnits } from './conv-winograd.js';
import { BLOCK_DOUBLES, COLS, loadRows2, packStrided3, packTaps3, ROWS, storeTile, tile2x3, TILE_K } from './tile.js';

/**
 * Fast float32 convolution: the same sums as convDirect (the readable reference, kept for float64 referee runs and
 * as the specification), computed four ways by shape:
 *
 * - 'gemm': implicit GEMM. For each image and group, Y[M/g, pixels] = W[M/g, C/g·taps] · cols[C/g·taps, pixels];
 *   the columns are packed from the input (or, when the convolution pads, from a zero-padded copy of the image, so
 *   the packing has no border cases) into 3-pixel panels (no full im2col matrix), a block of panels small enough
 *   for L2 at a time, and every 2 × 3 tile of Y is one register-tiled pass over the reduction (kernels/tile.ts;
 *   a reduction longer than TILE_K in parts, the partial sums kept as float64). Taps in the padding are packed as 0.
 * - 'pointwise': 1×1, stride 1, no padding: the input planes already are the columns, packed as they are.
 * - 'depthwise': one input channel per group (depthwise and channel-multiplier convolutions, and any convolution of
 *   a single input channel) whose window fits the kernel's buffer: each output plane is a small stencil over one
 *   input plane, copied with its padding into a float64 buffer and summed per pixel over all taps
 *   (kernels/conv-depthwise.ts).
 * - 'winograd', only when the session allows it (it changes rounding): 3 × 3 stride-1 convolutions by Winograd's
 *   F(2×2, 3×3) (kernels/conv-winograd.ts).
 *
 * Sums are float64 and rounded once (see tile.ts), bias first as in convDirect, so results agree with the reference
 * to float32 rounding (and exactly where the float32 sums are exact). Optionally relu is applied in the store
 * (reluStore: exact). One caveat makes the caller choose the reference instead: the 'gemm' and 'depthwise' paths
 * multiply padded taps by their weight, and 0 · ±Infinity or 0 · NaN is NaN where the reference adds nothing, so a
 * padded convolution whose weights are not all finite must not take them (see usesPaddedTaps and allFinite).
 *
 * Work is counted in units (a row pair of a panel block of an image and group, see gemmBlocking; an image × output
 * plane for 'depthwise'; see winogradUnits for 'winograd') so threads can each take a contiguous range; running
 * every range gives the whole output.
 */

/** A convolution's geometry resolved to three spatial axes (lower ranks have unit leading axes). */
export interface ConvShape {
  batch: number;
  C: number;
  M: number;
  group: number;
  inPerGroup: number;
  outPerGroup: number;
  D: number;
  H: number;
  W: number;
  KD: number;
  KH: number;
  KW: number;
  SD: number;
  SH: number;
  SW: number;
  DD: number;
  DH: number;
  DW: number;
  PD: number;
  PH: number;
  PW: number;
  OD: number;
  OH: number;
  OW: number;
  inPlane: number;
  outPlane: number;
  /** KD · KH · KW. */
  taps: number;
  /** The reduction length: inPerGroup · taps. */
  K: number;
  /** Some pad is non-zero, so some window reaches outside the input. */
  padded: boolean;
}

/**
 * Every size as an int32 (`| 0`): dims computed by shape ops arrive as doubles holding integers (values read from
 * int64 tensors), and V8 deoptimizes a kernel compiled for small integers the first time one of those reaches it.
 */
export function convShape(p: ConvParams): ConvShape {
  const g = as3d(p.geometry);
  const int = (v: readonly number[]) => v.map((x) => x | 0) as [number, number, number];
  const [D, H, W] = int(g.input);
  const [KD, KH, KW] = int(g.kernel);
  const [SD, SH, SW] = int(g.strides);
  const [DD, DH, DW] = g.dilations.map((x) => x | 0) as [number, number, number];
  const [PD, PH, PW] = int(g.padBegin);
  const [OD, OH, OW] = int(g.output);
  const taps = KD * KH * KW;
  const group = p.group | 0;
  const inPerGroup = (p.inChannels / group) | 0;
  return {
    batch: p.batch | 0,
    C: p.inChannels | 0,
    M: p.outChannels | 0,
    group,
    inPerGroup,
    outPerGroup: (p.outChannels / group) | 0,
    D, H, W, KD, KH, KW, SD, SH, SW, DD, DH, DW, PD, PH, PW, OD, OH, OW,
    inPlane: D * H * W,
    outPlane: OD * OH * OW,
    taps,
    K: inPerGroup * taps,
    padded: g.padBegin.some((v) => v !== 0) || g.padEnd.some((v) => v !== 0),
  };
}

export type FastConvPath = 'gemm' | 'pointwise' | 'depthwise' | 'winograd';

/** The path for a shape; 'winograd' only when allowed (it changes rounding: LoadOptions.winograd). */
export function fastConvPath(s: ConvShape, allowWinograd = false): FastConvPath {
  if (s.inPerGroup === 1 && s.D === 1 && s.KD === 1 && s.OD === 1 && s.PD === 0 && depthwiseWindowFits(s)) return 'depthwise';
  if (s.taps === 1 && !s.padded && s.SD === 1 && s.SH === 1 && s.SW === 1) return 'pointwise';
  if (allowWinograd && winogradFits(s)) return 'winograd';
  return 'gemm';
}

/** Whether the path multiplies padded taps (0 · weight), which differs from skipping them for non-finite weights. */
export function usesPaddedTaps(s: ConvShape, path: FastConvPath): boolean {
  return path !== 'pointwise' && s.padded;
}

/** Whether the path subtracts inputs and weights (∞ − ∞ = NaN where a sum gives ±∞): finite data only. */
export function needsFiniteData(path: FastConvPath): boolean {
  return path === 'winograd';
}

export function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}

export function fastConvUnits(s: ConvShape, path: FastConvPath): number {
  if (path === 'depthwise') return s.batch * s.M;
  if (path === 'winograd') return winogradUnits(s);
  const { blocks, pairs } = gemmBlocking(s);
  return s.batch * s.group * blocks * pairs;
}

/** Units that share packed operands: a panel block's row pairs for 'gemm' and 'pointwise' (see gemmBlocking). */
export function fastConvGrain(s: ConvShape, path: FastConvPath): number {
  return path === 'gemm' || path === 'pointwise' ? Math.max(1, gemmBlocking(s).pairs) : 1;
}

/** Computes units [start, end) of a float32 convolution (default: all of it) into `out`. */
export function convFast(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  out: Float32Array,
  s: ConvShape,
  path: FastConvPath,
  relu: boolean,
  start = 0,
  end = fastConvUnits(s, path),
): void {
  if (path === 'depthwise') convDepthwise(x, w, bias, out, s, relu, start, end);
  else if (path === 'winograd') convWinograd(x, w, bias, out, s, relu, start, end);
  else convGemm(x, w, bias, out, s, path === 'pointwise', relu, start, end);
}

const acc = new Float64Array(ROWS * COLS);
/** Tiles' partial sums between the parts of a reduction longer than TILE_K. */
let partial = new Float64Array(0);

/** Per tap (kd, kh, kw) in weight order: its offset inside a plane of the packing source. */
function tapOffsets(s: ConvShape, src: Source): Int32Array {
  const offsets = new Int32Array(s.taps);
  let i = 0;
  for (let kd = 0; kd < s.KD; kd++) {
    for (let kh = 0; kh < s.KH; kh++) {
      for (let kw = 0; kw < s.KW; kw++, i++) offsets[i] = (kd * s.DD * src.Hp + kh * s.DH) * src.Wp + kw * s.DW;
    }
  }
  return offsets;
}

/**
 * Packs reduction rows [k0, k1) of panels [first, first + count) of one image and group: for k = (channel, tap) in
 * weight order, the value under pixel 3q + j goes to column j at (q − first)·(k1 − k0) + k − k0, read from the
 * packing source (padding is 0 there). A pixel past the plane (the last panel's) repeats the panel's first pixel:
 * its sums are computed and never stored.
 */
function packPanels(x: Float32Array, xBase: number, s: ConvShape, src: Source, taps: Int32Array, first: number, count: number, k0: number, k1: number): void {
  const { outPlane, OH, OW, SD, SH, SW } = s;
  const { Hp, Wp, plane } = src;
  const tapCount = s.taps | 0;
  const rows = k1 - k0;
  const c0 = Math.floor(k0 / tapCount);
  for (let q = 0; q < count; q++) {
    const pixel0 = (first + q) * COLS;
    // Each pixel's window origin in the source, relative to a channel's plane.
    let e0 = 0, e1 = 0, e2 = 0;
    for (let j = 0; j < COLS; j++) {
      const pixel = pixel0 + j < outPlane ? pixel0 + j : pixel0;
      const ow = pixel % OW;
      const rest = (pixel - ow) / OW;
      const oh = rest % OH;
      const od = (rest - oh) / OH;
      const e = ((od * SD * Hp) + oh * SH) * Wp + ow * SW;
      if (j === 0) e0 = e;
      else if (j === 1) e1 = e;
      else e2 = e;
    }
    let at = q * rows;
    const end = at + rows;
    for (let t = k0 - c0 * tapCount, cb = xBase + c0 * plane; at < end; t = 0, cb += plane) {
      const n = Math.min(tapCount - t, end - at);
      packTaps3(x, cb, taps, t, n, e0, e1, e2, at);
      at += n;
    }
  }
}

/**
 * Packs reduction rows (input channels) [k0, k1) of panels [first, first + count) of a 1×1 convolution (stride 1,
 * no padding), whose columns are the input planes themselves: column j at (q − first)·(k1 − k0) + k − k0 holds
 * x[xBase + k·plane + 3q + j]. A pixel past the plane repeats the panel's first: its sums are never stored.
 */
function packPointwise(x: Float32Array, xBase: number, s: ConvShape, first: number, count: number, k0: number, k1: number): void {
  const { inPlane, outPlane } = s;
  const rows = k1 - k0;
  for (let q = 0; q < count; q++) {
    const pixel0 = (first + q) * COLS;
    const valid = Math.min(COLS, outPlane - pixel0);
    const from = xBase + k0 * inPlane + pixel0;
    packStrided3(x, from, valid > 1 ? from + 1 : from, valid > 2 ? from + 2 : from, inPlane, rows, q * rows);
  }
}

/**
 * How 'gemm' and 'pointwise' split their work. The reduction is taken in parts of at most TILE_K; a block of panels
 * holds one part of each and stays packed while every row pair's tiles read it, so each block converts the layer's
 * weight rows to doubles once (loadRows2). A work unit is one row pair of one block (of one image and group): a range
 * of units that cuts a block packs it once and converts only its own row pairs, so threads can take many small
 * chunks without converting the weights more often than one thread does.
 */
function gemmBlocking(s: ConvShape) {
  const panels = Math.ceil(s.outPlane / COLS);
  const part = Math.min(s.K, TILE_K);
  const blockPanels = Math.max(1, Math.floor(BLOCK_DOUBLES / part));
  return { panels, part, blockPanels, blocks: Math.ceil(panels / blockPanels), pairs: Math.ceil(s.outPerGroup / ROWS) };
}

function convGemm(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  out: Float32Array,
  s: ConvShape,
  pointwise: boolean,
  relu: boolean,
  start: number,
  end: number,
): void {
  const { K, outPlane, outPerGroup } = s;
  const { panels, part, blockPanels, blocks, pairs } = gemmBlocking(s);
  const parts = Math.ceil(K / part);
  const partialLength = pairs * blockPanels * ROWS * COLS;
  if (parts > 1 && partial.length < partialLength) partial = new Float64Array(partialLength);
  const src = sourceOf(s);
  const taps = pointwise ? undefined : tapOffsets(s, src);
  let padded: Float32Array | undefined;
  let paddedFor = -1;
  let unit = start;
  while (unit < end) {
    // Units [unit, run·pairs + p1) are row pairs [p0, p1) of block `block` of image/group `ng`.
    const run = Math.floor(unit / pairs);
    const ng = Math.floor(run / blocks);
    const block = run - ng * blocks;
    const p0 = unit - run * pairs;
    const p1 = Math.min(pairs, end - run * pairs);
    const n = Math.floor(ng / s.group);
    const g = ng - n * s.group;
    const xBase = (n * s.C + g * s.inPerGroup) * s.inPlane;
    const outBase = (n * s.M + g * outPerGroup) * outPlane;
    const wBase = g * outPerGroup * K;
    const b0 = block * blockPanels;
    const b1 = Math.min(panels, b0 + blockPanels);
    if (taps && s.padded && paddedFor !== ng) {
      // Padded input rows under this call's panels of the image and group (2-D): a thread's band of output rows
      // reads only those.
      const lastBlock = Math.floor((Math.min(end, (ng + 1) * blocks * pairs) - 1) / pairs) - ng * blocks;
      const lastRow = Math.floor((Math.min(outPlane, (lastBlock + 1) * blockPanels * COLS) - 1) / s.OW);
      const rows: [number, number] = [Math.floor((b0 * COLS) / s.OW) * s.SH, lastRow * s.SH + (s.KH - 1) * s.DH + 1];
      padded = padInput(x, xBase, s, src, rows);
      paddedFor = ng;
    }
    for (let k0 = 0; k0 < K; k0 += part) {
      const k1 = Math.min(K, k0 + part);
      const rowsK = k1 - k0;
      const first = k0 === 0;
      const last = k1 === K;
      if (taps) packPanels(padded ?? x, padded ? 0 : xBase, s, src, taps, b0, b1 - b0, k0, k1);
      else packPointwise(x, xBase, s, b0, b1 - b0, k0, k1);
      for (let i = p0 * ROWS; i < Math.min(outPerGroup, p1 * ROWS); i += ROWS) {
        const rows = Math.min(ROWS, outPerGroup - i);
        const a0 = wBase + i * K + k0;
        const a1 = rows > 1 ? a0 + K : a0;
        const ch = g * outPerGroup + i;
        const i0 = bias ? bias[ch]! : 0;
        const i1 = bias && rows > 1 ? bias[ch + 1]! : i0;
        const o = outBase + i * outPlane;
        loadRows2(w, a0, a1, rowsK);
        for (let q = b0; q < b1; q++) {
          const pixel = q * COLS;
          const cols = Math.min(COLS, outPlane - pixel);
          const slot = ((i / ROWS) * blockPanels + q - b0) * ROWS * COLS;
          if (first) {
            acc[0] = i0;
            acc[1] = i0;
            acc[2] = i0;
            acc[3] = i1;
            acc[4] = i1;
            acc[5] = i1;
          } else acc.set(partial.subarray(slot, slot + ROWS * COLS));
          tile2x3(0, (q - b0) * rowsK, rowsK, acc);
          if (last) storeTile(acc, out, o + pixel, outPlane, rows, cols, relu);
          else partial.set(acc, slot);
        }
      }
    }
    unit = run * pairs + p1;
  }
}
