import { gatherAxes } from '../../kernels/pad.js';
import {
  filterTaps,
  isIdentity,
  nearestMap,
  resample,
  torchNearestMap,
  type CoordinateMode,
  type NearestRule,
  type ResizeAxis,
  type Taps,
} from '../../kernels/resize.js';
import { checkOutputSize } from '../../limits.js';
import type { Dim } from '../../onnx/records.js';
import { allocate, isFloat, sizeOf, toNumbers, type DType, type Tensor } from '../../tensor.js';
import { defineOp, defineVersions, type AttrMap, type OpContext, type RunContext, type ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { isKnown, requireDims } from '../shape-utils.js';
import { ALL, INT64, known, normalizeAxes } from './common.js';

/*
 * Resize (opsets 10, 11, 13, 18, 19) and Upsample (7, 9). How torch.nn.functional.interpolate exports, and what we
 * compute for it (PyTorch is the reference; aten/src/ATen/native/UpSample.h and cpu/UpSampleKernel.cpp):
 *
 * - mode='nearest' → asymmetric + floor (opset 11+), Resize-10 or Upsample nearest (older): PyTorch's
 *   floor(i · in/out) in its own float arithmetic (torchNearestMap). onnxruntime rounds *up* when an opset ≤ 10
 *   model downsamples (its 'simple' nearest mode); PyTorch does not.
 * - mode='nearest-exact' → half_pixel + round_prefer_ceil: floor((i + 0.5) · in/out), PyTorch's arithmetic again.
 *   round_prefer_floor would differ at exact ties (4 → 2 picks elements 0, 2; PyTorch picks 1, 3).
 * - linear/bilinear/trilinear/bicubic, align_corners=True → align_corners; False → pytorch_half_pixel (the
 *   TorchScript upsample_* symbolics and the dynamo exporter) or half_pixel (TorchScript __interpolate). Both equal
 *   PyTorch except for an output length of 1, where pytorch_half_pixel samples position 0 (ONNX text,
 *   onnxruntime and the conformance suite), as older PyTorch did (area_pixel_compute_scale returned 0 for output
 *   size 1); current PyTorch samples the centre, so such an export no longer matches PyTorch — we keep ONNX's value
 *   and the tests pin the difference.
 * - align_corners divides by the output length minus 1 (PyTorch, onnxruntime), also when scales are given; the ONNX
 *   reference divides by the unrounded scale · input − 1 (test_resize_downsample_scales_*_align_corners expect that).
 * - bicubic: cubic_coeff_a = −0.75 (PyTorch's get_cubic_upsample_coefficients); the source index is not clamped and
 *   out-of-range taps repeat the edge (exclude_outside=0), as PyTorch's guard_index_and_lambda + clamped reads do.
 * - antialias=True (bilinear, bicubic) → antialias=1: PyTorch drops out-of-range taps and renormalizes (PIL's
 *   resampler), which is exclude_outside=1, and its bicubic filter uses a = −0.5.
 * - PyTorch copies an axis whose output length equals its input length in linear and antialiased modes (UpSample.h
 *   compute_source_index_and_lambda; separable_upsample_generic_Nd_kernel_impl skips it), even when a scale_factor
 *   such as 1.2 on length 3 gives floor(3.6) = 3. ONNX would interpolate with scale 1.2; we copy, as PyTorch does.
 * - scales are read as the decimal the exporter was given (exportedScale): output sizes are floor(in · scale_factor)
 *   and PyTorch's index arithmetic starts from 1.0 / scale_factor, both in double as PyTorch computes them.
 * - Integer data in linear/cubic modes is rounded half up and saturated after each axis (PyTorch's uint8 kernels);
 *   onnxruntime truncates (and clips int8 antialias results to 0..255).
 *
 * Opset ≤ 10 linear is asymmetric, as ONNX defines it; PyTorch warns that its opset 9/10 bilinear exports do not
 * match, and they do not. Upsample's text asks for scales ≥ 1, but PyTorch exports downsampling to Upsample-9 and
 * computes it; we accept any positive scale (onnxruntime refuses < 1).
 */

type Mode = 'nearest' | 'linear' | 'cubic';
type Policy = 'stretch' | 'not_larger' | 'not_smaller';

interface Settings {
  mode: Mode;
  coordinate: CoordinateMode;
  /** 'torch' is PyTorch's nearest (Resize-10 and Upsample, which have no nearest_mode). */
  nearest: NearestRule | 'torch';
  cubicA: number;
  excludeOutside: boolean;
  antialias: boolean;
  extrapolation: number;
  policy: Policy;
  /** The axes attribute (opset 18), unnormalized; undefined means every axis. */
  axes: readonly number[] | undefined;
}

/** Where scales, sizes and roi come from: inputs (or, for Upsample-7, the scales attribute). */
interface Sources {
  roi?: ValueType;
  scales?: ValueType;
  sizes?: ValueType;
  /** Upsample-7's scales attribute. */
  scalesAttribute?: readonly number[];
}

interface Geometry {
  dims: Dim[];
  /** Per input axis, when every size and scale is known. */
  axes?: ResizeAxis[];
}

/**
 * The scale factor a float32 scale was written as: the shortest decimal that rounds to it (1.7 for 1.70000005).
 * torch.onnx stores F.interpolate's Python-float scale_factor as float32, but PyTorch itself computed with the
 * double: the output size floor(in · scale_factor) (F.interpolate) and the source index through
 * (float)(1.0 / scale_factor) (compute_scales_value). Reading back the decimal reproduces both for any factor
 * written with up to 9 significant digits; the float32 value itself gives floor(300 · 0.21f) = 62 where PyTorch
 * (and this engine) give 63, and picks a different nearest element for 1626 of the outputs of scale factors
 * 0.01…4.00 on lengths 1…64. onnxruntime and ONNX shape inference multiply in float32.
 */
export function exportedScale(s: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const d = Number(s.toPrecision(digits));
    if (Math.fround(d) === s) return d;
  }
  return s;
}

/** An optional input counts as given when it is present and not empty (exporters pass empty scales beside sizes). */
function given(v: ValueType | undefined): boolean {
  if (!v) return false;
  return !(v.dims?.length === 1 && v.dims[0] === 0);
}

function listOf(v: ValueType | undefined, what: string, expected: number, ctx: OpContext): number[] | undefined {
  if (!v?.dims) return undefined;
  if (v.dims.length !== 1) ctx.shapeError(`${what} must be 1-D, but has dims [${v.dims.join(',')}]`);
  const n = v.dims[0]!;
  if (isKnown(n) && n !== expected) ctx.shapeError(`${what} has ${n} values but ${expected} are needed (one per resized axis)`);
  return v.value ? toNumbers(v.value) : undefined;
}

function resizeGeometry(x: ValueType | undefined, s: Settings, src: Sources, ctx: OpContext): Geometry {
  const dims = requireDims(x, 'input X', ctx);
  const rank = dims.length;
  if (s.mode !== 'nearest' && x!.dtype === 'bool') ctx.shapeError(`${s.mode} interpolation needs numbers, but X is bool`, "use mode='nearest'");
  const axes = s.axes === undefined ? dims.map((_, i) => i) : normalizeAxes(s.axes, rank, ctx, 'axes', 'axes');
  const k = axes.length;
  const what = s.axes === undefined ? `rank ${rank}` : `${k} axes`;
  const hasScales = src.scalesAttribute !== undefined || given(src.scales);
  const hasSizes = given(src.sizes);
  if (hasScales && hasSizes) ctx.shapeError('scales and sizes are both given', 'give exactly one of them (the other may be omitted or empty)');
  if (!hasScales && !hasSizes) ctx.shapeError('neither scales nor sizes is given', 'give exactly one of them');

  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (src.scalesAttribute) {
    scales = [...src.scalesAttribute];
    if (scales.length !== k) ctx.badAttribute('scales', `has ${scales.length} values but ${what} needs ${k}`);
    if (scales.some((v) => !(v > 0 && Number.isFinite(v)))) ctx.badAttribute('scales', `[${scales.join(',')}] must all be positive`);
  } else if (hasScales) {
    scales = listOf(src.scales, 'scales', k, ctx);
    if (scales?.some((v) => !(v > 0 && Number.isFinite(v)))) ctx.shapeError(`scales [${scales.join(',')}] must all be positive`);
  } else {
    sizes = listOf(src.sizes, 'sizes', k, ctx);
    if (sizes?.some((v) => !Number.isSafeInteger(v) || v < 0)) ctx.shapeError(`sizes [${sizes.join(',')}] must be non-negative integers`);
  }
  let roi: number[] | undefined;
  if (s.coordinate === 'tf_crop_and_resize') {
    if (!given(src.roi)) ctx.shapeError('coordinate_transformation_mode=tf_crop_and_resize needs the roi input');
    roi = listOf(src.roi, 'roi', 2 * k, ctx);
  }

  if (!scales && !sizes) return { dims: dims.map((d, i) => (s.axes !== undefined && !axes.includes(i) ? d : '?')) };
  const axisOf = new Map(axes.map((a, j) => [a, j]));
  // A policy other than stretch scales every listed axis by one factor: the smallest (not_larger) or largest
  // (not_smaller) of sizes / input, in float32 as ONNX shape inference and onnxruntime compute it.
  let common: number | undefined;
  if (sizes && s.policy !== 'stretch') {
    for (const [a, j] of axisOf) {
      const n = dims[a]!;
      if (!isKnown(n)) return { dims: dims.map((d, i) => (axisOf.has(i) ? '?' : d)) };
      if (n === 0) ctx.shapeError(`keep_aspect_ratio_policy=${s.policy} cannot scale axis ${a}: it is empty`);
      const r = Math.fround(sizes[j]! / n);
      common = common === undefined ? r : s.policy === 'not_larger' ? Math.min(common, r) : Math.max(common, r);
    }
  }
  const out: Dim[] = [];
  const info: ResizeAxis[] = [];
  dims.forEach((n, a) => {
    const j = axisOf.get(a);
    const axis: ResizeAxis = { input: isKnown(n) ? n : 0, output: 0, scaleNum: 1, scaleDen: 1, roiStart: 0, roiEnd: 1 };
    if (j !== undefined && roi) {
      axis.roiStart = roi[j]!;
      axis.roiEnd = roi[j + k]!;
    }
    let o: Dim;
    if (j === undefined) {
      o = n;
    } else if (common !== undefined) {
      axis.scaleNum = common;
      o = Math.round(Math.fround(common * (n as number)));
    } else if (sizes) {
      o = sizes[j]!;
      axis.scaleNum = o;
      axis.scaleDen = isKnown(n) ? n : 1;
    } else {
      const scale = exportedScale(scales![j]!);
      axis.scaleNum = scale;
      o = isKnown(n) ? Math.floor(n * scale) : scale === 1 ? n : '?';
    }
    if (isKnown(n) && isKnown(o) && n === 0 && o > 0) ctx.shapeError(`axis ${a} is empty and cannot be resized to ${o}`);
    axis.output = isKnown(o) ? o : 0;
    out.push(o);
    info.push(axis);
  });
  if (!out.every(isKnown) || !dims.every(isKnown)) return { dims: out };
  // At run time ctx carries the run's limits; shape inference checks against the defaults.
  checkOutputSize(ctx, out as number[], x!.dtype, 'the resized output');
  return { dims: out, axes: info };
}

const INTEGER_RANGES: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};

/** PyTorch's own coordinate modes, where its copy of same-length axes and its nearest arithmetic apply. */
const TORCH_COORDINATES: readonly CoordinateMode[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners'];

function resizeRun(x: Tensor, s: Settings, src: Sources, ctx: RunContext): Tensor {
  const g = resizeGeometry(known(x), s, src, ctx);
  const dims = g.dims as number[];
  const data = allocate(x.dtype, sizeOf(dims));
  const axes = g.axes!;
  if (sizeOf(dims) === 0) return { dtype: x.dtype, dims, data };
  // PyTorch indexes in float32 for float32, float16 and integer data and in double for float64; a float64 referee
  // run holds float32 data as float64 but must pick the float32 run's elements.
  const float32Math = !(x.dtype === 'float64' && ctx.floatType === 'float32');
  if (s.mode === 'nearest') {
    const stretch = s.policy === 'stretch';
    const legacy = s.nearest === 'torch' || (stretch && s.coordinate === 'asymmetric' && s.nearest === 'floor');
    const exact = stretch && s.coordinate === 'half_pixel' && s.nearest === 'round_prefer_ceil';
    // PyTorch's upsample_nearest2d on NCHW picks its kernel by output size (see torchNearestMap).
    const small = dims.length === 4 && dims[0] === x.dims[0] && dims[1] === x.dims[1] && dims[2]! + dims[3]! <= 128;
    const maps = axes.map((a) => {
      if (legacy) return torchNearestMap(a, false, float32Math, small);
      if (exact) return torchNearestMap(a, true, float32Math, small);
      return nearestMap(a, s.coordinate, s.nearest as NearestRule);
    });
    gatherAxes(x.data, x.dims, maps, data, s.extrapolation);
    return { dtype: x.dtype, dims, data };
  }
  const filter = { kind: s.mode, cubicA: s.cubicA, antialias: s.antialias, excludeOutside: s.excludeOutside };
  const torchCopy = (s.mode === 'linear' || s.antialias) && s.policy === 'stretch' && TORCH_COORDINATES.includes(s.coordinate);
  const taps = axes.map((a): Taps | undefined => {
    if (torchCopy && a.input === a.output) return undefined;
    const t = filterTaps(a, s.coordinate, filter);
    return isIdentity(t, a.input) ? undefined : t;
  });
  resample(x.data, x.dims, taps, data, s.extrapolation, isFloat(x.dtype) ? undefined : INTEGER_RANGES[x.dtype]);
  return { dtype: x.dtype, dims, data };
}

const SCALES_TYPES: readonly DType[] = ['float32', 'float64'];

/** Settings from a Resize-11+ node's attributes (later attributes absent in earlier opsets take their defaults). */
function settingsOf(attrs: Record<string, unknown>): Settings {
  return {
    mode: attrs.mode as Mode,
    coordinate: attrs.coordinate_transformation_mode as CoordinateMode,
    nearest: attrs.nearest_mode as NearestRule,
    cubicA: attrs.cubic_coeff_a as number,
    excludeOutside: attrs.exclude_outside === 1,
    antialias: attrs.antialias === 1,
    extrapolation: attrs.extrapolation_value as number,
    policy: (attrs.keep_aspect_ratio_policy as Policy | undefined) ?? 'stretch',
    axes: attrs.axes as number[] | undefined,
  };
}

function checkAttributes(s: Settings, ctx: OpContext): void {
  if (s.antialias && s.mode === 'nearest') ctx.badAttribute('antialias', 'applies to linear and cubic modes, not nearest', 'remove antialias or use mode=linear/cubic');
}

/** Settings of the forms without coordinate modes: Resize-10 and Upsample sample asymmetrically. */
function legacySettings(attrs: Record<string, unknown>): Settings {
  return {
    mode: attrs.mode as Mode,
    coordinate: 'asymmetric',
    nearest: 'torch',
    cubicA: -0.75,
    excludeOutside: false,
    antialias: false,
    extrapolation: 0,
    policy: 'stretch',
    axes: undefined,
  };
}

function typed(x: ValueType, dims: Dim[]): ValueType {
  return { dtype: x.dtype, dims };
}

const MODE_2 = { type: 'string', default: 'nearest', oneOf: ['nearest', 'linear'] } as const;
const COORDINATES_11 = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const COORDINATES_13 = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];
const COORDINATES_19 = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];

function attributes11(coordinates: readonly string[]): AttrMap {
  return {
    coordinate_transformation_mode: { type: 'string', default: 'half_pixel', oneOf: coordinates },
    cubic_coeff_a: { type: 'float', default: -0.75, doc: "Keys' a; PyTorch's bicubic uses −0.75 (−0.5 with antialias)" },
    exclude_outside: { type: 'int', default: 0, oneOf: [0, 1] },
    extrapolation_value: { type: 'float', default: 0, doc: 'output where tf_crop_and_resize samples outside the input' },
    mode: { type: 'string', default: 'nearest', oneOf: ['nearest', 'linear', 'cubic'] },
    nearest_mode: { type: 'string', default: 'round_prefer_floor', oneOf: ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] },
  };
}

function attributes18(coordinates: readonly string[]): AttrMap {
  return {
    ...attributes11(coordinates),
    antialias: { type: 'int', default: 0, oneOf: [0, 1] },
    axes: { type: 'ints', doc: 'the axes scales/sizes/roi refer to; default every axis; negative counts from the back' },
    keep_aspect_ratio_policy: { type: 'string', default: 'stretch', oneOf: ['stretch', 'not_larger', 'not_smaller'] },
  };
}

const INPUTS_11 = [
  { name: 'X', type: 'T1' },
  { name: 'roi', type: 'T2' },
  { name: 'scales', type: 'F' },
  { name: 'sizes', type: 'I', optional: true },
] as const;
const INPUTS_13 = [
  { name: 'X', type: 'T1' },
  { name: 'roi', type: 'T2', optional: true },
  { name: 'scales', type: 'F', optional: true },
  { name: 'sizes', type: 'I', optional: true },
] as const;
// scales is tensor(float); float64 appears only in referee runs, where every float32 value is held as float64.
const TYPES_11 = { T1: ALL, T2: FLOATS, F: SCALES_TYPES, I: INT64 };

export const resizeOps = defineVersions(
  {
    opType: 'Resize',
    domain: '',
    summary: 'Resizes any axes by scales or to sizes: nearest, N-linear, cubic, antialias, every coordinate mode',
    inputs: INPUTS_13,
    outputs: [{ name: 'Y', type: 'T1' }],
    types: TYPES_11,
    shape([x, roi, scales, sizes], attrs, ctx) {
      const s = settingsOf(attrs);
      checkAttributes(s, ctx);
      return [typed(x!, resizeGeometry(x, s, { roi, scales, sizes }, ctx).dims)];
    },
    run([x, roi, scales, sizes], attrs, ctx) {
      return [resizeRun(x!, settingsOf(attrs), { roi: known(roi), scales: known(scales), sizes: known(sizes) }, ctx)];
    },
  },
  [
    {
      since: 10,
      inputs: [
        { name: 'X', type: 'T' },
        { name: 'scales', type: 'F' },
      ],
      types: { T: ALL, F: SCALES_TYPES },
      attributes: { mode: MODE_2 },
      shape([x, scales], attrs, ctx) {
        return [typed(x!, resizeGeometry(x, legacySettings(attrs), { scales }, ctx).dims)];
      },
      run([x, scales], attrs, ctx) {
        return [resizeRun(x!, legacySettings(attrs), { scales: known(scales) }, ctx)];
      },
    },
    { since: 11, inputs: INPUTS_11, attributes: attributes11(COORDINATES_11) },
    { since: 13, attributes: attributes11(COORDINATES_13) },
    { since: 18, attributes: attributes18(COORDINATES_13) },
    { since: 19, attributes: attributes18(COORDINATES_19) },
  ],
);

export const upsampleOps = [
  defineOp({
    opType: 'Upsample',
    domain: '',
    since: 7,
    until: 9,
    summary: 'Resizes by per-axis scales (attribute): nearest (PyTorch floor) or asymmetric N-linear',
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: ALL },
    attributes: {
      mode: MODE_2,
      scales: { type: 'floats', required: true, doc: 'one per axis; ONNX asks for ≥ 1, PyTorch exports < 1 too' },
    },
    shape([x], attrs, ctx) {
      return [typed(x!, resizeGeometry(x, legacySettings(attrs), { scalesAttribute: attrs.scales }, ctx).dims)];
    },
    run([x], attrs, ctx) {
      return [resizeRun(x!, legacySettings(attrs), { scalesAttribute: attrs.scales }, ctx)];
    },
  }),
  defineOp({
    opType: 'Upsample',
    domain: '',
    since: 9,
    until: 9,
    summary: 'Resizes by per-axis scales (input): nearest (PyTorch floor) or asymmetric N-linear',
    inputs: [
      { name: 'X', type: 'T' },
      { name: 'scales', type: 'F' },
    ],
    outputs: [{ name: 'Y', type: 'T' }],
    types: { T: ALL, F: SCALES_TYPES },
    attributes: { mode: MODE_2 },
    shape([x, scales], attrs, ctx) {
      return [typed(x!, resizeGeometry(x, legacySettings(attrs), { scales }, ctx).dims)];
    },
    run([x, scales], attrs, ctx) {
      return [resizeRun(x!, legacySettings(attrs), { scales: known(scales) }, ctx)];
    },
  }),
];
