import { as3d, type ConvParams } from './conv.js';
import { padInput, sourceOf, type Source } from './conv-source.js';
import { convWinograd, winogradFits, winogradUnits } from './conv-winograd.js';
import { COLS, packStrided3, packTaps3, reluStore, ROWS, storeTile, tile2x3, TILE_K, tileOperands } from './tile.js';

/**
 * Fast float32 convolution: the same sums as convDirect (the readable reference, kept for float64 referee runs and
 * as the specification), computed three ways by shape:
 *
 * - 'gemm': implicit GEMM. For each image and group, Y[M/g, pixels] = W[M/g, C/g·taps] · cols[C/g·taps, pixels];
 *   the columns are packed from the input (or, when the convolution pads, from a zero-padded copy of the image, so
 *   the packing has no border cases) into 3-pixel panels (no full im2col matrix), a block of panels small enough
 *   for L2 at a time, and every 2 × 3 tile of Y is one register-tiled pass over the reduction (kernels/tile.ts;
 *   a reduction longer than TILE_K in parts, the partial sums kept as float64). Taps in the padding are packed as 0.
 * - 'pointwise': 1×1, stride 1, no padding: the input planes already are the columns, packed as they are.
 * - 'depthwise': one input channel per group (depthwise and channel-multiplier convolutions, and any convolution of
 *   a single input channel) whose window fits the kernel's buffer: each output plane is a small stencil over one
 *   input plane, copied with its padding into a float64 buffer and summed per pixel over all taps.
 *
 * Sums are float64 and rounded once (see tile.ts), bias first as in convDirect, so results agree with the reference
 * to float32 rounding (and exactly where the float32 sums are exact). Optionally relu is applied in the store
 * (reluStore: exact). One caveat makes the caller choose the reference instead: the 'gemm' and 'depthwise' paths
 * multiply padded taps by their weight, and 0 · ±Infinity or 0 · NaN is NaN where the reference adds nothing, so a
 * padded convolution whose weights are not all finite must not take them (see usesPaddedTaps and allFinite).
 *
 * Work is counted in units (an image × group × 3-pixel panel, or an image × output plane for 'depthwise') so
 * threads can each take a contiguous range; running every range gives the whole output.
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
  return s.batch * s.group * Math.ceil(s.outPlane / COLS);
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

/**
 * Panels packed at a time: at most this many doubles per column (3 × 171 KiB, half of L2), so a block stays in L2
 * while every row tile reads it.
 */
const BLOCK_DOUBLES = 21845;

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
  const panels = Math.ceil(outPlane / COLS);
  // The reduction in parts of at most TILE_K; a block of panels holds one part of each.
  const part = Math.min(K, TILE_K);
  const blockPanels = Math.max(1, Math.floor(BLOCK_DOUBLES / part));
  const parts = Math.ceil(K / part);
  const partialLength = Math.ceil(outPerGroup / ROWS) * blockPanels * ROWS * COLS;
  if (parts > 1 && partial.length < partialLength) partial = new Float64Array(partialLength);
  const [A0, A1] = tileOperands().a;
  const src = sourceOf(s);
  const taps = pointwise ? undefined : tapOffsets(s, src);
  let unit = start;
  while (unit < end) {
    const ng = Math.floor(unit / panels);
    const n = Math.floor(ng / s.group);
    const g = ng - n * s.group;
    const q0 = unit - ng * panels;
    const q1 = Math.min(panels, end - ng * panels);
    const xBase = (n * s.C + g * s.inPerGroup) * s.inPlane;
    const outBase = (n * s.M + g * outPerGroup) * outPlane;
    const wBase = g * outPerGroup * K;
    // Padded input rows under pixels [3·q0, 3·q1) (2-D): a thread's band of output rows reads only those.
    const lastRow = Math.floor((Math.min(outPlane, q1 * COLS) - 1) / s.OW);
    const rows: [number, number] = [Math.floor((q0 * COLS) / s.OW) * s.SH, lastRow * s.SH + (s.KH - 1) * s.DH + 1];
    const padded = taps && s.padded ? padInput(x, xBase, s, src, rows) : undefined;
    for (let b0 = q0; b0 < q1; b0 += blockPanels) {
      const b1 = Math.min(q1, b0 + blockPanels);
      for (let k0 = 0; k0 < K; k0 += part) {
        const k1 = Math.min(K, k0 + part);
        const rowsK = k1 - k0;
        const first = k0 === 0;
        const last = k1 === K;
        if (taps) packPanels(padded ?? x, padded ? 0 : xBase, s, src, taps, b0, b1 - b0, k0, k1);
        else packPointwise(x, xBase, s, b0, b1 - b0, k0, k1);
        for (let i = 0; i < outPerGroup; i += ROWS) {
          const rows = Math.min(ROWS, outPerGroup - i);
          const a0 = wBase + i * K + k0;
          const a1 = rows > 1 ? a0 + K : a0;
          const ch = g * outPerGroup + i;
          const i0 = bias ? bias[ch]! : 0;
          const i1 = bias && rows > 1 ? bias[ch + 1]! : i0;
          const o = outBase + i * outPlane;
          A0.set(w.subarray(a0, a0 + rowsK));
          A1.set(w.subarray(a1, a1 + rowsK));
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
    }
    unit = ng * panels + q1;
  }
}

/**
 * What the depthwise kernel reads: a window of one input plane, zero-padded, as float64, in a module constant (V8
 * compiles its length and address into the loops, as for tile.ts's operand arrays). 1 MiB: a 3 × 3 window over a padded
 * 362 × 362 plane at once; larger planes are taken in tiles of output rows and columns.
 */
const PLANE_DOUBLES = 131072;
const PLANE = new Float64Array(PLANE_DOUBLES);

/** Whether one window of the depthwise kernel fits PLANE (else the convolution takes the 'gemm' path). */
function depthwiseWindowFits(s: ConvShape): boolean {
  return ((s.KH - 1) * s.DH + 1) * ((s.KW - 1) * s.DW + 1) <= PLANE_DOUBLES;
}

/**
 * One input channel per group, spatial rank ≤ 2 (D = 1): output plane `unit` = n·M + oc reads input channel
 * oc / outPerGroup. A tile of output rows and columns at a time, its input window (padding as zeros) is copied into
 * PLANE as float64, and every output pixel sums its taps from there: 3 × 3 windows with the nine weights in locals
 * and, at stride and dilation 1 along H, two output rows per pass (12 loads for 2 outputs), other windows by a loop
 * over the taps. Padded taps are multiplied by their (finite) weight like the 'gemm' path's.
 */
function convDepthwise(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  out: Float32Array,
  s: ConvShape,
  relu: boolean,
  start: number,
  end: number,
): void {
  const { H, W, KH, KW, SH, SW, DH, DW, PH, PW, OH, OW, inPlane, outPlane, M, C, outPerGroup } = s;
  const spanH = (KH - 1) * DH + 1;
  const spanW = (KW - 1) * DW + 1;
  // Output columns per tile: as many as leave room for one window's rows; then as many output rows as fit.
  const tileW = Math.max(1, Math.min(OW, Math.floor((Math.floor(PLANE_DOUBLES / spanH) - spanW) / SW) + 1));
  const inW = (tileW - 1) * SW + spanW;
  const tileH = Math.max(1, Math.min(OH, Math.floor((Math.floor(PLANE_DOUBLES / inW) - spanH) / SH) + 1));
  const k33 = KH === 3 && KW === 3;
  const taps = new Int32Array(KH * KW);
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) taps[kh * KW + kw] = kh * DH * inW + kw * DW;
  // A plane that fits in one tile stays in PLANE for the next output channel that reads the same input channel
  // (a channel multiplier, or a convolution of one input channel into many).
  const oneTile = tileH >= OH && tileW >= OW;
  let loaded = -1;
  for (let unit = start; unit < end; unit++) {
    const n = Math.floor(unit / M);
    const oc = unit - n * M;
    const xb = (n * C + Math.floor(oc / outPerGroup)) * inPlane;
    const wb = oc * KH * KW;
    const b = bias ? bias[oc]! : 0;
    for (let oh0 = 0; oh0 < OH; oh0 += tileH) {
      const rows = Math.min(tileH, OH - oh0);
      const inH = (rows - 1) * SH + spanH;
      for (let ow0 = 0; ow0 < OW; ow0 += tileW) {
        const cols = Math.min(tileW, OW - ow0);
        if (!oneTile || loaded !== xb) loadWindow(x, xb, H, W, oh0 * SH - PH, ow0 * SW - PW, inH, (cols - 1) * SW + spanW, inW);
        loaded = xb;
        const o = unit * outPlane + oh0 * OW + ow0;
        if (k33) depthwise3x3(w, wb, b, out, o, OW, rows, cols, inW, SH, SW, DH, DW, relu);
        else depthwiseTaps(w, wb, taps, b, out, o, OW, rows, cols, inW, SH, SW, relu);
      }
    }
  }
}

/** PLANE[r·stride + c] = x[xb + (ih0 + r)·W + iw0 + c] for r < rows, c < cols, 0 outside the input. */
function loadWindow(x: Float32Array, xb: number, H: number, W: number, ih0: number, iw0: number, rows: number, cols: number, stride: number): void {
  const c0 = Math.max(0, -iw0);
  const c1 = Math.max(c0, Math.min(cols, W - iw0));
  for (let r = 0; r < rows; r++) {
    const at = r * stride;
    const ih = ih0 + r;
    if (ih < 0 || ih >= H) {
      PLANE.fill(0, at, at + cols);
      continue;
    }
    const row = xb + ih * W + iw0;
    for (let c = 0; c < c0; c++) PLANE[at + c] = 0;
    PLANE.set(x.subarray(row + c0, row + c1), at + c0);
    for (let c = c1; c < cols; c++) PLANE[at + c] = 0;
  }
}

/** A 3 × 3 window's outputs for a tile of `rows` × `cols` whose input is in PLANE (row stride inW). */
function depthwise3x3(
  w: Float32Array,
  wb: number,
  b: number,
  out: Float32Array,
  o: number,
  OW: number,
  rows: number,
  cols: number,
  inW: number,
  SH: number,
  SW: number,
  DH: number,
  DW: number,
  relu: boolean,
): void {
  const w00 = w[wb]!, w01 = w[wb + 1]!, w02 = w[wb + 2]!;
  const w10 = w[wb + 3]!, w11 = w[wb + 4]!, w12 = w[wb + 5]!;
  const w20 = w[wb + 6]!, w21 = w[wb + 7]!, w22 = w[wb + 8]!;
  const d2 = 2 * DW;
  const rowStep = DH * inW;
  let r = 0;
  // Two output rows at once when the next one reads the next input row (stride and dilation 1 along H): its three
  // rows are r1, r2, r3, so each value loaded from r1 and r2 serves both sums. With stride and dilation 1 along W
  // too, the window slides: each step loads the four values of its new column and keeps the other eight in locals
  // (4 loads for 2 outputs). Each sum adds its nine taps in the same order.
  if (SH === 1 && DH === 1) {
    const slide = SW === 1 && DW === 1;
    for (; r + 1 < rows; r += 2, o += 2 * OW) {
      const r0 = r * inW;
      const r1 = r0 + inW;
      const r2 = r1 + inW;
      const r3 = r2 + inW;
      const o2 = o + OW;
      if (slide) {
        // Columns c, c + 1 of rows 0..3 (a·, b·), c + 2 loaded per step (n·).
        let a0 = PLANE[r0]!, a1 = PLANE[r1]!, a2 = PLANE[r2]!, a3 = PLANE[r3]!;
        let b0 = PLANE[r0 + 1]!, b1 = PLANE[r1 + 1]!, b2 = PLANE[r2 + 1]!, b3 = PLANE[r3 + 1]!;
        for (let ow = 0; ow < cols; ow++) {
          const c = ow + 2;
          const n0 = PLANE[r0 + c]!;
          const n1 = PLANE[r1 + c]!;
          const n2 = PLANE[r2 + c]!;
          const n3 = PLANE[r3 + c]!;
          let u = b;
          let v = b;
          u += w00 * a0;
          u += w01 * b0;
          u += w02 * n0;
          u += w10 * a1;
          v += w00 * a1;
          u += w11 * b1;
          v += w01 * b1;
          u += w12 * n1;
          v += w02 * n1;
          u += w20 * a2;
          v += w10 * a2;
          u += w21 * b2;
          v += w11 * b2;
          u += w22 * n2;
          v += w12 * n2;
          v += w20 * a3;
          v += w21 * b3;
          v += w22 * n3;
          out[o + ow] = relu ? reluStore(u) : u;
          out[o2 + ow] = relu ? reluStore(v) : v;
          a0 = b0;
          a1 = b1;
          a2 = b2;
          a3 = b3;
          b0 = n0;
          b1 = n1;
          b2 = n2;
          b3 = n3;
        }
        continue;
      }
      for (let ow = 0, c = 0; ow < cols; ow++, c += SW) {
        let u = b;
        let v = b;
        let t = PLANE[r0 + c]!;
        u += w00 * t;
        t = PLANE[r0 + c + DW]!;
        u += w01 * t;
        t = PLANE[r0 + c + d2]!;
        u += w02 * t;
        t = PLANE[r1 + c]!;
        u += w10 * t;
        v += w00 * t;
        t = PLANE[r1 + c + DW]!;
        u += w11 * t;
        v += w01 * t;
        t = PLANE[r1 + c + d2]!;
        u += w12 * t;
        v += w02 * t;
        t = PLANE[r2 + c]!;
        u += w20 * t;
        v += w10 * t;
        t = PLANE[r2 + c + DW]!;
        u += w21 * t;
        v += w11 * t;
        t = PLANE[r2 + c + d2]!;
        u += w22 * t;
        v += w12 * t;
        t = PLANE[r3 + c]!;
        v += w20 * t;
        t = PLANE[r3 + c + DW]!;
        v += w21 * t;
        t = PLANE[r3 + c + d2]!;
        v += w22 * t;
        out[o + ow] = relu ? reluStore(u) : u;
        out[o2 + ow] = relu ? reluStore(v) : v;
      }
    }
  }
  for (; r < rows; r++, o += OW) {
    const r0 = r * SH * inW;
    const r1 = r0 + rowStep;
    const r2 = r1 + rowStep;
    for (let ow = 0, c = 0; ow < cols; ow++, c += SW) {
      let v = b;
      v += w00 * PLANE[r0 + c]!;
      v += w01 * PLANE[r0 + c + DW]!;
      v += w02 * PLANE[r0 + c + d2]!;
      v += w10 * PLANE[r1 + c]!;
      v += w11 * PLANE[r1 + c + DW]!;
      v += w12 * PLANE[r1 + c + d2]!;
      v += w20 * PLANE[r2 + c]!;
      v += w21 * PLANE[r2 + c + DW]!;
      v += w22 * PLANE[r2 + c + d2]!;
      out[o + ow] = relu ? reluStore(v) : v;
    }
  }
}

/** Any window's outputs for a tile whose input is in PLANE: each pixel sums its taps (offsets `taps`) in weight order. */
function depthwiseTaps(
  w: Float32Array,
  wb: number,
  taps: Int32Array,
  b: number,
  out: Float32Array,
  o: number,
  OW: number,
  rows: number,
  cols: number,
  inW: number,
  SH: number,
  SW: number,
  relu: boolean,
): void {
  const count = taps.length;
  for (let r = 0; r < rows; r++, o += OW) {
    const r0 = r * SH * inW;
    for (let ow = 0, c = r0; ow < cols; ow++, c += SW) {
      let v = b;
      for (let t = 0; t < count; t++) v += w[wb + t]! * PLANE[c + taps[t]!]!;
      out[o + ow] = relu ? reluStore(v) : v;
    }
  }
}
