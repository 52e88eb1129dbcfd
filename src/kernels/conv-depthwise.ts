import type { ConvShape } from './conv-fast.js';
import { reluStore } from './tile.js';

/**
 * The depthwise path of conv-fast.ts: convolutions with one input channel per group (depthwise, channel multipliers,
 * and any convolution of a single input channel), each output plane a small stencil over one input plane.
 */

/**
 * What the depthwise kernel reads: a window of one input plane, zero-padded, as float64, in a module constant (V8
 * compiles its length and address into the loops, as for tile.ts's operand arrays). 1 MiB: a 3 × 3 window over a padded
 * 362 × 362 plane at once; larger planes are taken in tiles of output rows and columns.
 */
const PLANE_DOUBLES = 131072;
const PLANE = new Float64Array(PLANE_DOUBLES);
/**
 * The current output channel's bias, handed to the stencils through a Float64Array so V8 always sees a double (a
 * bias of the small integer 0 as an argument made every pixel's sum start with a tagged-number check).
 */
const BIAS = new Float64Array(1);
/** The current 3 × 3 filter as doubles (see depthwise3x3). */
const WEIGHTS = new Float64Array(9);

/** Whether one window of the depthwise kernel fits PLANE (else the convolution takes the 'gemm' path). */
export function depthwiseWindowFits(s: ConvShape): boolean {
  return ((s.KH - 1) * s.DH + 1) * ((s.KW - 1) * s.DW + 1) <= PLANE_DOUBLES;
}

/**
 * One input channel per group, spatial rank ≤ 2 (D = 1): output plane `unit` = n·M + oc reads input channel
 * oc / outPerGroup. A tile of output rows and columns at a time, its input window (padding as zeros) is copied into
 * PLANE as float64, and every output pixel sums its taps from there: 3 × 3 windows with the nine weights in locals
 * and, at stride and dilation 1 along H, two output rows per pass (12 loads for 2 outputs), other windows by a loop
 * over the taps. Padded taps are multiplied by their (finite) weight like the 'gemm' path's.
 */
export function convDepthwise(
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
        BIAS[0] = b;
        if (k33) depthwise3x3(w, wb, out, o, OW, rows, cols, inW, SH, SW, DH, DW, relu);
        else depthwiseTaps(w, wb, taps, out, o, OW, rows, cols, inW, SH, SW, relu);
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
    const row = (xb + ih * W + iw0) | 0;
    for (let c = 0; c < c0; c++) PLANE[at + c] = 0;
    copyRow(x, (row + c0) | 0, (at + c0) | 0, (c1 - c0) | 0);
    for (let c = c1; c < cols; c++) PLANE[at + c] = 0;
  }
}

/**
 * PLANE[to + i] = x[from + i] for i < count. Rows are short (tens of values): set(subarray) spends ~100 ns creating
 * the view, and a one-value loop ~6 cycles a value; four values per step, loaded before they are stored, ~3.
 */
function copyRow(x: Float32Array, from: number, to: number, count: number): void {
  let i = from | 0;
  let j = to | 0;
  const end = (from + count) | 0;
  for (; ((i + 4) | 0) <= end; i = (i + 4) | 0, j = (j + 4) | 0) {
    const a = x[i]!;
    const b = x[(i + 1) | 0]!;
    const c = x[(i + 2) | 0]!;
    const d = x[(i + 3) | 0]!;
    PLANE[j] = a;
    PLANE[(j + 1) | 0] = b;
    PLANE[(j + 2) | 0] = c;
    PLANE[(j + 3) | 0] = d;
  }
  for (; i < end; i = (i + 1) | 0, j = (j + 1) | 0) PLANE[j] = x[i]!;
}

/** A 3 × 3 window's outputs for a tile of `rows` × `cols` whose input is in PLANE (row stride inW). */
function depthwise3x3(
  w: Float32Array,
  wb: number,
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
  const b = BIAS[0]!;
  // A strict boolean, so each store's test is one compare (V8 otherwise tests relu as any value, every pixel).
  const fuse = relu === true;
  // The weights go through a Float64Array too: read from the Float32Array, V8 keeps them as float32 and converts
  // each one at every use.
  for (let t = 0; t < 9; t++) WEIGHTS[t] = w[wb + t]!;
  const w00 = WEIGHTS[0]!, w01 = WEIGHTS[1]!, w02 = WEIGHTS[2]!;
  const w10 = WEIGHTS[3]!, w11 = WEIGHTS[4]!, w12 = WEIGHTS[5]!;
  const w20 = WEIGHTS[6]!, w21 = WEIGHTS[7]!, w22 = WEIGHTS[8]!;
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
        for (let ow = 0; ow < cols; ow = (ow + 1) | 0) {
          const c = (ow + 2) | 0;
          const n0 = PLANE[(r0 + c) | 0]!;
          const n1 = PLANE[(r1 + c) | 0]!;
          const n2 = PLANE[(r2 + c) | 0]!;
          const n3 = PLANE[(r3 + c) | 0]!;
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
          out[(o + ow) | 0] = fuse ? reluStore(u) : u;
          out[(o2 + ow) | 0] = fuse ? reluStore(v) : v;
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
        out[(o + ow) | 0] = fuse ? reluStore(u) : u;
        out[(o2 + ow) | 0] = fuse ? reluStore(v) : v;
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
      out[(o + ow) | 0] = fuse ? reluStore(v) : v;
    }
  }
}

/** Any window's outputs for a tile whose input is in PLANE: each pixel sums its taps (offsets `taps`) in weight order. */
function depthwiseTaps(
  w: Float32Array,
  wb: number,
  taps: Int32Array,
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
  const b = BIAS[0]!;
  const fuse = relu === true;
  const count = taps.length;
  for (let r = 0; r < rows; r++, o += OW) {
    const r0 = r * SH * inW;
    for (let ow = 0, c = r0; ow < cols; ow++, c += SW) {
      let v = b;
      for (let t = 0; t < count; t++) v += w[wb + t]! * PLANE[c + taps[t]!]!;
      out[(o + ow) | 0] = fuse ? reluStore(v) : v;
    }
  }
}
