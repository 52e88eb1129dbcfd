import type { TensorData } from '../tensor.js';
import { as3d, type Geometry3d } from './conv.js';
import type { WindowGeometry } from './geometry.js';

/**
 * Pooling loops over [planes, D, H, W] with 1-3 spatial axes (lower ranks get unit leading axes). A window's taps
 * along one axis are input positions b + t * dilation (t < kernel, b = o * stride - padBegin); those inside the
 * input form one contiguous run of t, so each output is described per axis by its first inside position and two
 * counts, and the window is their product (a box).
 */
export interface AxisWindows {
  /** Input index of the first tap that lands inside the input. */
  first: Int32Array;
  /** Taps inside the input [0, input). */
  inside: Int32Array;
  /** Taps inside the padded extent [-padBegin, input + padEnd): the window clipped to the padding, not past it. */
  padded: Int32Array;
}

function axisWindows(g: WindowGeometry, axis: number): AxisWindows {
  const input = g.input[axis]!;
  const k = g.kernel[axis]!;
  const s = g.strides[axis]!;
  const d = g.dilations[axis]!;
  const pb = g.padBegin[axis]!;
  const pe = g.padEnd[axis]!;
  const out = g.output[axis]!;
  const first = new Int32Array(out);
  const inside = new Int32Array(out);
  const padded = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const b = o * s - pb;
    const t0 = b >= 0 ? 0 : Math.ceil(-b / d);
    const t1 = Math.min(k - 1, Math.floor((input - 1 - b) / d));
    first[o] = b + t0 * d;
    inside[o] = Math.max(0, t1 - t0 + 1);
    // b ≥ -padBegin always holds, so only the end of the padded extent can clip the window.
    padded[o] = Math.max(0, Math.min(k - 1, Math.floor((input + pe - 1 - b) / d)) + 1);
  }
  return { first, inside, padded };
}

export interface Prepared {
  g: Geometry3d;
  axes: [AxisWindows, AxisWindows, AxisWindows];
  inPlane: number;
  outPlane: number;
}

export function prepare(geometry: WindowGeometry): Prepared {
  const g = as3d(geometry);
  const [D, H, W] = g.input;
  const [OD, OH, OW] = g.output;
  return { g, axes: [axisWindows(g, 0), axisWindows(g, 1), axisWindows(g, 2)], inPlane: D * H * W, outPlane: OD * OH * OW };
}

export interface MaxPoolParams {
  /** N × C. */
  planes: number;
  geometry: WindowGeometry;
  /** What a window with no tap inside the input yields: -Infinity for floats, the type's minimum for integers. */
  emptyValue: number;
  /** 1: Indices are column-major over the spatial axes (ONNX storage_order), 0: row-major. */
  storageOrder: 0 | 1;
}

/**
 * Max pooling as PyTorch computes it (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, cpu_max_pool): taps are visited
 * in row-major order and a tap wins when `val > max || isnan(val)`, so a NaN in the window propagates and the index
 * is that of the last NaN. Indices, when asked for, are ONNX's flat indices over the whole input
 * ((n·C + c)·plane + spatial offset), the spatial offset row- or column-major by storageOrder. A window with no tap
 * inside the input (padding and dilation can leave every tap outside, e.g. k=2 d=3 pads=1 on 2 cells) yields
 * emptyValue, as PyTorch's -inf, and index -1 where PyTorch reports a position past the input.
 */
export function maxPool(x: TensorData, y: TensorData, indices: Float64Array | undefined, p: MaxPoolParams): void {
  const { g, axes, inPlane, outPlane } = prepare(p.geometry);
  const [D, H, W] = g.input;
  const [OD, OH, OW] = g.output;
  const [DD, DH, DW] = g.dilations;
  const [ad, ah, aw] = axes;
  // Column-major spatial strides (storage_order=1): d + h·D + w·D·H.
  const [sd, sh, sw] = p.storageOrder === 1 ? [1, D, D * H] : [H * W, W, 1];
  for (let plane = 0; plane < p.planes; plane++) {
    const inBase = plane * inPlane;
    let outIndex = plane * outPlane;
    for (let od = 0; od < OD; od++) {
      const d0 = ad.first[od]!;
      const nd = ad.inside[od]!;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = ah.first[oh]!;
        const nh = ah.inside[oh]!;
        for (let ow = 0; ow < OW; ow++, outIndex++) {
          const w0 = aw.first[ow]!;
          const nw = aw.inside[ow]!;
          if (nd === 0 || nh === 0 || nw === 0) {
            y[outIndex] = p.emptyValue;
            if (indices) indices[outIndex] = -1;
            continue;
          }
          let best = -Infinity;
          let bd = d0;
          let bh = h0;
          let bw = w0;
          for (let kd = 0, id = d0; kd < nd; kd++, id += DD) {
            for (let kh = 0, ih = h0; kh < nh; kh++, ih += DH) {
              const row = inBase + (id * H + ih) * W;
              for (let kw = 0, iw = w0; kw < nw; kw++, iw += DW) {
                const v = x[row + iw]!;
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  bd = id;
                  bh = ih;
                  bw = iw;
                }
              }
            }
          }
          // A window of -Infinity values keeps -Infinity; for integers every value beats -Infinity.
          y[outIndex] = best;
          if (indices) indices[outIndex] = inBase + bd * sd + bh * sh + bw * sw;
        }
      }
    }
  }
}

export interface AveragePoolParams {
  planes: number;
  geometry: WindowGeometry;
  /** Divide by the taps inside the padded extent (true) or inside the input (false). */
  countIncludePad: boolean;
}

/**
 * Average pooling with PyTorch's divisor (aten/src/ATen/native/cpu/AvgPoolKernel.cpp, cpu_avg_pool): with
 * count_include_pad the window is clipped to the padded extent [-padBegin, input + padEnd), so cells a ceil_mode
 * window reaches past the padding are not counted; without it only cells inside the input count. A window with no
 * cell inside the input yields 0, as PyTorch's does. Dilated windows (ONNX AveragePool-19; PyTorch has none) count
 * their taps in the same two ways. Sums are accumulated in double and rounded once on store.
 */
export function averagePool(x: TensorData, y: TensorData, p: AveragePoolParams): void {
  const { g, axes, inPlane, outPlane } = prepare(p.geometry);
  const [, H, W] = g.input;
  const [OD, OH, OW] = g.output;
  const [DD, DH, DW] = g.dilations;
  const [ad, ah, aw] = axes;
  for (let plane = 0; plane < p.planes; plane++) {
    const inBase = plane * inPlane;
    let outIndex = plane * outPlane;
    for (let od = 0; od < OD; od++) {
      const d0 = ad.first[od]!;
      const nd = ad.inside[od]!;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = ah.first[oh]!;
        const nh = ah.inside[oh]!;
        for (let ow = 0; ow < OW; ow++, outIndex++) {
          const w0 = aw.first[ow]!;
          const nw = aw.inside[ow]!;
          const count = nd * nh * nw;
          if (count === 0) {
            y[outIndex] = 0;
            continue;
          }
          let sum = 0;
          for (let kd = 0, id = d0; kd < nd; kd++, id += DD) {
            for (let kh = 0, ih = h0; kh < nh; kh++, ih += DH) {
              const row = inBase + (id * H + ih) * W;
              for (let kw = 0, iw = w0; kw < nw; kw++, iw += DW) sum += x[row + iw]!;
            }
          }
          const divisor = p.countIncludePad ? ad.padded[od]! * ah.padded[oh]! * aw.padded[ow]! : count;
          y[outIndex] = sum / divisor;
        }
      }
    }
  }
}

export interface LpPoolParams {
  planes: number;
  geometry: WindowGeometry;
  p: number;
}

/**
 * Lp pooling as ONNX defines it: (Σ |x|^p)^(1/p) over the taps inside the input (padding contributes 0). PyTorch's
 * F.lp_pool* is a composite of pow and avg_pool that the exporters trace into primitive ops, so no PyTorch model
 * reaches this op; the ONNX definition is the only one there is.
 */
export function lpPool(x: TensorData, y: TensorData, params: LpPoolParams): void {
  const { g, axes, inPlane, outPlane } = prepare(params.geometry);
  const [, H, W] = g.input;
  const [OD, OH, OW] = g.output;
  const [DD, DH, DW] = g.dilations;
  const [ad, ah, aw] = axes;
  const p = params.p;
  for (let plane = 0; plane < params.planes; plane++) {
    const inBase = plane * inPlane;
    let outIndex = plane * outPlane;
    for (let od = 0; od < OD; od++) {
      const d0 = ad.first[od]!;
      const nd = ad.inside[od]!;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = ah.first[oh]!;
        const nh = ah.inside[oh]!;
        for (let ow = 0; ow < OW; ow++, outIndex++) {
          const w0 = aw.first[ow]!;
          const nw = aw.inside[ow]!;
          let sum = 0;
          for (let kd = 0, id = d0; kd < nd; kd++, id += DD) {
            for (let kh = 0, ih = h0; kh < nh; kh++, ih += DH) {
              const row = inBase + (id * H + ih) * W;
              for (let kw = 0, iw = w0; kw < nw; kw++, iw += DW) sum += Math.abs(x[row + iw]!) ** p;
            }
          }
          y[outIndex] = sum ** (1 / p);
        }
      }
    }
  }
}

/**
 * Mean over each plane (GlobalAveragePool; PyTorch's adaptive_avg_pool to size 1 and mean reduce the same cells),
 * accumulated in double.
 */
export function globalAveragePool(x: TensorData, y: TensorData, planes: number, planeSize: number): void {
  for (let plane = 0, base = 0; plane < planes; plane++, base += planeSize) {
    let sum = 0;
    for (let i = 0; i < planeSize; i++) sum += x[base + i]!;
    y[plane] = sum / planeSize;
  }
}

/** Max over each plane (GlobalMaxPool); NaN propagates as in PyTorch's adaptive_max_pool and amax. */
export function globalMaxPool(x: TensorData, y: TensorData, planes: number, planeSize: number): void {
  for (let plane = 0, base = 0; plane < planes; plane++, base += planeSize) {
    let best = -Infinity;
    for (let i = 0; i < planeSize; i++) {
      const v = x[base + i]!;
      if (v > best || Number.isNaN(v)) {
        best = v;
        if (Number.isNaN(v)) break;
      }
    }
    y[plane] = best;
  }
}
