/**
 * Resize/Upsample: where each output position samples the input (the coordinate transforms), which input elements
 * it reads with which weights (nearest, linear, cubic, antialiased), and the separable loop that applies those taps
 * one axis at a time. Every axis is independent, so N-D linear is bilinear, trilinear and beyond alike.
 */

type Indexable = { [index: number]: number; readonly length: number };

export type CoordinateMode =
  | 'half_pixel'
  | 'half_pixel_symmetric'
  | 'pytorch_half_pixel'
  | 'align_corners'
  | 'asymmetric'
  | 'tf_half_pixel_for_nn'
  | 'tf_crop_and_resize';

export type NearestRule = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';

/** One axis of a resize, fully resolved. */
export interface ResizeAxis {
  input: number;
  output: number;
  /**
   * ONNX's scale (output / input) as scaleNum / scaleDen: `sizes` give output / input and `scales` give s / 1, so a
   * coordinate such as (i + 0.5) / scale − 0.5 is one exact product and one rounding, and exact ties stay exact.
   */
  scaleNum: number;
  scaleDen: number;
  /** tf_crop_and_resize's region, in normalized input coordinates. */
  roiStart: number;
  roiEnd: number;
}

/** The input coordinate output position i samples, as the ONNX Resize text defines each mode. */
export function sourceCoordinate(i: number, a: ResizeAxis, mode: CoordinateMode): number {
  const { input: n, output: m, scaleNum: num, scaleDen: den } = a;
  switch (mode) {
    case 'half_pixel':
      return ((i + 0.5) * den) / num - 0.5;
    case 'pytorch_half_pixel':
      // Output length 1 samples position 0. That was PyTorch's area_pixel_compute_scale when this mode was named
      // (scale 0 for output size 1); PyTorch ≥ 1.11 samples the centre instead (see the Resize op's notes).
      return m > 1 ? ((i + 0.5) * den) / num - 0.5 : 0;
    case 'half_pixel_symmetric':
      // ONNX: offset + (i + 0.5) / scale − 0.5 with offset = (n/2)·(1 − m / (scale·n)), which centres the sampled
      // span when floor() shortened the output; rearranged so it rounds once: (n − 1)/2 + (2i + 1 − m) / (2·scale).
      return (n - 1) / 2 + ((2 * i + 1 - m) * den) / (2 * num);
    case 'align_corners':
      return m === 1 ? 0 : (i * (n - 1)) / (m - 1);
    case 'asymmetric':
      return (i * den) / num;
    case 'tf_half_pixel_for_nn':
      return ((i + 0.5) * den) / num;
    case 'tf_crop_and_resize':
      return m > 1
        ? a.roiStart * (n - 1) + (i * (a.roiEnd - a.roiStart) * (n - 1)) / (m - 1)
        : 0.5 * (a.roiStart + a.roiEnd) * (n - 1);
  }
}

function roundNearest(x: number, rule: NearestRule): number {
  const f = Math.floor(x);
  switch (rule) {
    case 'floor':
      return f;
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_floor':
      return x - f > 0.5 ? f + 1 : f;
    case 'round_prefer_ceil':
      return x - f >= 0.5 ? f + 1 : f;
  }
}

/** Nearest-neighbour source index per output position, clamped into the input; -1 where tf_crop_and_resize extrapolates. */
export function nearestMap(a: ResizeAxis, mode: CoordinateMode, rule: NearestRule): Int32Array {
  const map = new Int32Array(a.output);
  for (let i = 0; i < a.output; i++) {
    const x = sourceCoordinate(i, a, mode);
    if (mode === 'tf_crop_and_resize' && (x < 0 || x > a.input - 1)) {
      map[i] = -1;
      continue;
    }
    map[i] = Math.min(Math.max(roundNearest(x, rule), 0), a.input - 1);
  }
  return map;
}

/**
 * PyTorch's nearest modes, reproduced with its own arithmetic, since a float32 rounding decides which element is
 * picked (e.g. 2 → 82 elements: 41 · fl32(2/82) = 0.99999994, so PyTorch reads element 0 where the exact 41·2/82 = 1
 * reads element 1). aten/src/ATen/native/cpu/UpSampleKernel.cpp, HelperInterpNearest(Exact)::compute_indices_weights:
 *   scale = compute_scales_value<opmath_t>(scale_factor, in, out) = (opmath_t)(1.0 / scale_factor) or (opmath_t)in / out
 *   'nearest':       src = scale · i (opmath_t), index = floorf(src)
 *   'nearest-exact': src = max(scale · (i + 0.5) − 0.5, 0) (opmath_t), index = floorf(src + 0.5)
 * and min(index, in − 1) (aten/src/ATen/native/UpSample.h, area_pixel_compute_source_index). opmath_t is float for
 * float32/float16/uint8 and double for float64; floorf rounds to float in both. 'nearest' is ONNX's asymmetric +
 * floor and 'nearest-exact' is half_pixel + round_prefer_ceil, in exact arithmetic.
 *
 * `vectorized`: 2-D outputs with outH + outW ≤ 128 run cpu_upsample_nearest_channels_last instead
 * (_use_vectorized_kernel_cond_2d), which computes in float for every dtype and whose index functions differ
 * (UpSample.h): nearest_idx copies an axis whose output length equals the input's and halves indices when it is
 * exactly twice, whatever the scale_factor; nearest_exact_idx is floorf((i + 0.5) · scale) with the product in double.
 */
export function torchNearestMap(a: ResizeAxis, exact: boolean, float32Math: boolean, vectorized = false): Int32Array {
  const r = float32Math || vectorized ? Math.fround : (v: number) => v;
  const scale = r(a.scaleDen / a.scaleNum);
  const map = new Int32Array(a.output);
  for (let i = 0; i < a.output; i++) {
    let index: number;
    if (vectorized && exact) {
      index = Math.floor(Math.fround((i + 0.5) * scale));
    } else if (vectorized && a.output === a.input) {
      index = i;
    } else if (vectorized && a.output === 2 * a.input) {
      index = i >> 1;
    } else if (exact) {
      const src = Math.max(r(r(scale * r(i + 0.5)) - 0.5), 0);
      index = Math.floor(Math.fround(src + 0.5));
    } else {
      index = Math.floor(Math.fround(r(r(i) * scale)));
    }
    map[i] = Math.min(index, a.input - 1);
  }
  return map;
}

export interface Filter {
  kind: 'linear' | 'cubic';
  /** Cubic convolution coefficient (Keys' a): PyTorch uses −0.75, and −0.5 with antialias (PIL's). */
  cubicA: number;
  /** Stretch the filter by 1/scale when downsampling, so every input element contributes (PIL, torch antialias=True). */
  antialias: boolean;
  /** Drop taps outside the input and renormalize, instead of repeating the edge element. */
  excludeOutside: boolean;
}

/** For each output position, the input indices it reads and their weights (CSR: offsets has output + 1 entries). */
export interface Taps {
  offsets: Int32Array;
  indices: Int32Array;
  weights: Float64Array;
  /** 1 where tf_crop_and_resize samples outside the input (the output is extrapolation_value). */
  outside?: Uint8Array;
}

function filterWeight(u: number, f: Filter): number {
  if (f.kind === 'linear') return u < 1 ? 1 - u : 0;
  const a = f.cubicA;
  // aten/src/ATen/native/UpSample.h: cubic_convolution1 (|u| ≤ 1) and cubic_convolution2 (1 < |u| < 2).
  if (u <= 1) return ((a + 2) * u - (a + 3)) * u * u + 1;
  if (u < 2) return ((a * u - 5 * a) * u + 8 * a) * u - 4 * a;
  return 0;
}

/**
 * Linear and cubic taps. Plain linear reads floor(x) and floor(x) + 1 with x clamped into [0, n − 1] (ONNX repeats
 * the edge; PyTorch clamps the index and the weight, compute_source_index_and_lambda: the same). Cubic and antialiased
 * filters read every integer t with filter(|t − x| · stretch) ≠ 0, where stretch = min(1, scale) when antialiasing;
 * taps outside the input repeat the edge element, or are dropped when excludeOutside. Antialiased and
 * excludeOutside weights are normalized to sum to 1 over the taps kept — which is PyTorch's antialias
 * (_compute_indices_min_size_weights_aa) with excludeOutside, and the ONNX reference without it.
 */
export function filterTaps(a: ResizeAxis, mode: CoordinateMode, f: Filter): Taps {
  const n = a.input;
  const m = a.output;
  const scale = a.scaleNum / a.scaleDen;
  const stretch = f.antialias && scale < 1 ? scale : 1;
  const support = (f.kind === 'linear' ? 1 : 2) / stretch;
  const normalize = f.antialias || f.excludeOutside;
  const offsets = new Int32Array(m + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  let outside: Uint8Array | undefined;
  for (let i = 0; i < m; i++) {
    let x = sourceCoordinate(i, a, mode);
    if (mode === 'tf_crop_and_resize' && (x < 0 || x > n - 1)) {
      outside ??= new Uint8Array(m);
      outside[i] = 1;
      offsets[i + 1] = indices.length;
      continue;
    }
    if (f.kind === 'linear' && !f.antialias) {
      x = Math.min(Math.max(x, 0), n - 1);
      const i0 = Math.floor(x);
      const r = x - i0;
      indices.push(i0);
      weights.push(1 - r);
      if (r > 0) {
        indices.push(Math.min(i0 + 1, n - 1));
        weights.push(r);
      }
    } else {
      const start = weights.length;
      let total = 0;
      for (let t = Math.ceil(x - support); t <= Math.floor(x + support); t++) {
        const w = filterWeight(Math.abs(t - x) * stretch, f);
        if (w === 0) continue;
        const inside = t >= 0 && t < n;
        if (!inside && f.excludeOutside) continue;
        indices.push(inside ? t : t < 0 ? 0 : n - 1);
        weights.push(w);
        total += w;
      }
      if (normalize && total !== 0) for (let k = start; k < weights.length; k++) weights[k]! /= total;
    }
    offsets[i + 1] = indices.length;
  }
  return { offsets, indices: Int32Array.from(indices), weights: Float64Array.from(weights), ...(outside ? { outside } : {}) };
}

/** True when the taps copy the axis unchanged, so the pass can be skipped. */
export function isIdentity(t: Taps, input: number): boolean {
  const m = t.offsets.length - 1;
  if (m !== input || t.outside) return false;
  for (let i = 0; i < m; i++) {
    if (t.offsets[i + 1]! - t.offsets[i]! !== 1 || t.indices[t.offsets[i]!] !== i || t.weights[t.offsets[i]!] !== 1) return false;
  }
  return true;
}

/**
 * Applies per-axis taps (undefined: the axis is not resampled) one axis at a time, last axis first, accumulating in
 * float64, and stores into `out`. Integer data is rounded half up and saturated to [min, max] after every axis, as
 * PyTorch's uint8 bilinear/bicubic kernels do (separable_upsample_generic_Nd_kernel_impl keeps a uint8 buffer
 * between the horizontal and vertical passes; its int16 fixed-point weights can still move a result by one).
 * Positions that some axis marks outside get `extrapolation`.
 */
export function resample(
  x: Indexable,
  inDims: readonly number[],
  taps: readonly (Taps | undefined)[],
  out: Indexable,
  extrapolation: number,
  integerRange?: readonly [number, number],
): void {
  let cur: Indexable = x;
  const dims = [...inDims];
  const store = (v: number) => Math.min(Math.max(Math.floor(v + 0.5), integerRange![0]), integerRange![1]);
  for (let a = dims.length - 1; a >= 0; a--) {
    const t = taps[a];
    if (!t) continue;
    const n = dims[a]!;
    const m = t.offsets.length - 1;
    let outer = 1;
    for (let k = 0; k < a; k++) outer *= dims[k]!;
    let inner = 1;
    for (let k = a + 1; k < dims.length; k++) inner *= dims[k]!;
    const next = new Float64Array(outer * m * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * m + j) * inner;
        for (let k = t.offsets[j]!; k < t.offsets[j + 1]!; k++) {
          const w = t.weights[k]!;
          const src = (o * n + t.indices[k]!) * inner;
          for (let q = 0; q < inner; q++) next[dst + q]! += w * cur[src + q]!;
        }
      }
    }
    if (integerRange) for (let i = 0; i < next.length; i++) next[i] = store(next[i]!);
    cur = next;
    dims[a] = m;
  }
  for (let i = 0; i < out.length; i++) out[i] = cur[i]!;
  if (taps.some((t) => t?.outside)) {
    const maps = dims.map((d, a) => {
      const map = new Int32Array(d);
      const outside = taps[a]?.outside;
      for (let j = 0; j < d; j++) map[j] = outside?.[j] ? -1 : j;
      return map;
    });
    overwriteOutside(out, dims, maps, extrapolation);
  }
}

/** Sets every element whose position is -1 in some axis map to `value`; the others keep theirs. */
function overwriteOutside(out: Indexable, dims: readonly number[], maps: readonly Int32Array[], value: number): void {
  const rank = dims.length;
  const counter = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    for (let a = 0; a < rank; a++) {
      if (maps[a]![counter[a]!]! < 0) {
        out[o] = value;
        break;
      }
    }
    for (let a = rank - 1; a >= 0; a--) {
      if (++counter[a]! < dims[a]!) break;
      counter[a] = 0;
    }
  }
}
