import { broadcastShape } from '../../kernels/broadcast.js';
import { castValues, type CastKind } from '../../kernels/cast.js';
import type { IntegerFormat } from '../../kernels/integer.js';
import type { Dim } from '../../onnx/records.js';
import { formatDims, type DType, type Tensor } from '../../tensor.js';
import type { OpContext, ValueType } from '../declaration.js';
import { FLOATS } from '../float-types.js';
import { broadcastDims, sameDim } from '../shape-utils.js';

export const SIGNED_INTS: readonly DType[] = ['int8', 'int16', 'int32', 'int64'];
export const UNSIGNED_INTS: readonly DType[] = ['uint8', 'uint16', 'uint32', 'uint64'];
export const NUMERIC: readonly DType[] = [...FLOATS, ...SIGNED_INTS, ...UNSIGNED_INTS];
/** ONNX's "high-precision numeric" set (numeric_types_for_math_reduction): floats and the 32/64-bit integers. */
export const HIGH_PRECISION: readonly DType[] = [...FLOATS, 'int32', 'int64', 'uint32', 'uint64'];
/** Floats and the signed integers (Neg-6, Relu-14). */
export const SIGNED_NUMERIC: readonly DType[] = [...FLOATS, ...SIGNED_INTS];
export const BOOL: readonly DType[] = ['bool'];

/** Opset-1 ops carry this memory-reuse hint from Caffe2; it never changes the values computed. */
export const CONSUMED_INPUTS = {
  consumed_inputs: { type: 'ints', doc: 'legacy in-place hint of opset 1; no effect on values' },
} as const;

/** The attributes of binary ops before opset 7, when broadcasting was opt-in and one-directional (B to A). */
export const LEGACY_BROADCAST = {
  broadcast: { type: 'int', default: 0, oneOf: [0, 1], doc: '1: B is broadcast to the shape of A' },
  axis: { type: 'int', doc: "with broadcast=1, the axis of A where B's dims start; default: B lines up with A's trailing dims" },
} as const;

const FORMATS: Partial<Record<DType, IntegerFormat>> = {
  int8: { bits: 8, signed: true },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
  int64: { bits: 64, signed: true },
  uint8: { bits: 8, signed: false },
  uint16: { bits: 16, signed: false },
  uint32: { bits: 32, signed: false },
  uint64: { bits: 64, signed: false },
};

/** The wrapping format of an integer type; undefined for floats and bool. */
export function integerFormat(dtype: DType): IntegerFormat | undefined {
  return FORMATS[dtype];
}

/**
 * A real-valued result stored into an integer type as onnxruntime's static_cast does (integer Pow with a float
 * exponent, integer Erf, ReduceL2): truncation toward zero, with Cast's x86 rule for NaN and overflow.
 */
export function toIntegerResult(f: IntegerFormat): (v: number) => number {
  const source = new Float64Array(1);
  const target = new Float64Array(1);
  const kind: CastKind = { kind: f.signed ? 'signed' : 'unsigned', bits: f.bits };
  return (v) => {
    source[0] = v;
    castValues(source, { float: true, unsigned: false }, target, kind);
    return target[0]!;
  };
}

/** Broadcast output dims for shape inference; undefined when some input's rank is unknown. */
export function broadcastResultDims(inputs: readonly (ValueType | undefined)[], ctx: OpContext): Dim[] | undefined {
  const dims: (readonly Dim[])[] = [];
  for (const v of inputs) {
    if (!v) continue;
    if (!v.dims) return undefined;
    dims.push(v.dims);
  }
  return broadcastDims(dims, ctx);
}

/** Broadcast output dims at run time, where symbolic dims have become numbers and may turn out not to match. */
export function runBroadcastDims(inputs: readonly (readonly number[])[], ctx: OpContext): number[] {
  const dims = broadcastShape(inputs);
  if (!dims) ctx.shapeError(`shapes ${inputs.map((d) => formatDims(d)).join(' and ')} do not broadcast`);
  return dims;
}

/**
 * B's dims placed against A's rank under the opset < 7 rules, ready for numpy-style broadcasting to A's shape.
 * broadcast=0: B must have A's shape. broadcast=1: a one-element B is a scalar; otherwise B's dims must match A's
 * starting at `axis` (default: A's trailing dims), where a B dim of 1 also broadcasts.
 */
export function legacyOperandDims<D extends Dim>(
  a: readonly D[],
  b: readonly D[],
  attrs: { broadcast: number; axis?: number },
  ctx: OpContext,
): (D | 1)[] {
  if (attrs.broadcast === 0) {
    if (a.length !== b.length || a.some((d, i) => !sameDim(d, b[i]!))) {
      ctx.shapeError(
        `B ${formatDims(b)} differs from A ${formatDims(a)} and broadcast=0`,
        'before opset 7 broadcasting must be requested with broadcast=1',
      );
    }
    return [...b];
  }
  if (b.every((d) => d === 1)) return [];
  const axis = attrs.axis ?? a.length - b.length;
  if (axis < 0 || axis + b.length > a.length) {
    if (attrs.axis === undefined) ctx.shapeError(`B ${formatDims(b)} has higher rank than A ${formatDims(a)}`);
    ctx.badAttribute('axis', `is ${axis}, but B ${formatDims(b)} does not fit in A ${formatDims(a)} from there`);
  }
  b.forEach((d, i) => {
    if (d !== 1 && !sameDim(a[axis + i]!, d)) {
      ctx.shapeError(`B ${formatDims(b)} does not match A ${formatDims(a)} at axis ${axis + i} (broadcast=1, axis=${axis})`);
    }
  });
  return [...new Array<1>(axis).fill(1), ...b, ...new Array<1>(a.length - axis - b.length).fill(1)];
}

/** Throws a shape error unless every tensor has the same dims (the pre-opset-8 variadic ops). */
export function requireSameDims(inputs: readonly (ValueType | Tensor | undefined)[], ctx: OpContext): void {
  const known = inputs.filter((v) => v?.dims !== undefined).map((v) => v!.dims!);
  const first = known[0];
  if (!first) return;
  for (const d of known) {
    if (d.length !== first.length || d.some((x, i) => !sameDim(x, first[i]!))) {
      ctx.shapeError(`inputs ${known.map((k) => formatDims(k)).join(', ')} differ in shape`, 'before opset 8 these ops do not broadcast');
    }
  }
}
